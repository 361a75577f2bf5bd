package io.imgboard.ledger.service;

import io.imgboard.events.ProcessRequested;
import io.imgboard.events.RemovalPolicy;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.PhotoStatus;
import io.imgboard.ledger.persistence.StoredRendition;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What an operator may do to a photo: hide, unhide, delete, retry, split a wrong twin match. */
@ApplicationScoped
@Transactional
public class PhotoCommands {
    private final PhotoRepository photos;
    private final Catalog catalog;
    private final ProcessingRequests requests;
    private final ReprocessJobs jobs;
    private final ObjectDeletions deletions;
    private final Retirements retirements;

    PhotoCommands(PhotoRepository photos, Catalog catalog, ProcessingRequests requests,
                  ReprocessJobs jobs, ObjectDeletions deletions, Retirements retirements) {
        this.retirements = retirements;
        this.photos = photos;
        this.catalog = catalog;
        this.requests = requests;
        this.jobs = jobs;
        this.deletions = deletions;
    }

    /** @return empty when there is no such photo (a twin's id answers for its photo) */
    public Optional<UUID> hide(UUID id, boolean hidden) {
        return primary(id).map(photo -> {
            PhotoMdc.set(photo.id);
            if (photo.deletedAt != null) {
                throw new IllegalStateException("photo " + photo.id + " is deleted: it is on no frame, and "
                        + (hidden ? "hiding" : "showing") + " it changes nothing");
            }
            if (photo.hidden != hidden) {
                boolean wasVisible = photo.visible();
                photo.hidden = hidden;
                photo.updatedAt = Instant.now();
                catalog.update(photo, wasVisible);
                Log.infof("photo %s %s by an operator", photo.id, hidden ? "hidden" : "shown again");
            }
            return photo.id;
        });
    }

    /**
     * Deletes the photo: it leaves every frame, its renditions are deleted and, unless a WebDAV client
     * may read a file of it or its twins back, its originals too. The row stays (as DELETED), so the same bytes arriving
     * again are recognised and not shown again against the operator's decision.
     */
    public Optional<UUID> delete(UUID id) {
        return primary(id).map(photo -> {
            PhotoMdc.set(photo.id);
            if (photo.deletedAt != null) {
                return photo.id;
            }
            boolean wasVisible = photo.visible();
            Instant now = Instant.now();
            photo.deletedAt = now;
            photo.updatedAt = now;
            photo.requestedAt = null;
            photo.nextRetryAt = null;
            catalog.update(photo, wasVisible);
            retirements.settleReplaced(photo); // no result will settle it now
            for (StoredRendition r : photo.renditions) {
                deletions.rendition(r.key());
            }
            photo.renditions = new ArrayList<>();
            jobs.left(photo.id, ReprocessJobs.DELETED);
            boolean readBack = !deletions.originalsOfDeleted(photo);
            Log.infof("photo %s deleted by an operator; renditions %s", photo.id,
                    readBack ? "deleted, originals kept (a WebDAV client may read its file back)" : "and originals deleted");
            return photo.id;
        });
    }

    /**
     * Asks for processing again now, whatever the pause or age of its failures.
     *
     * @throws IllegalStateException when the photo is ready or deleted
     */
    public Optional<UUID> retry(UUID id) {
        return primary(id).map(photo -> {
            if (photo.deletedAt != null) {
                throw new IllegalStateException("photo " + photo.id + " is deleted");
            }
            if (photo.status == PhotoStatus.READY && photo.nextRetryAt == null) {
                throw new IllegalStateException("photo " + photo.id + " is ready; a reprocess job renders it again");
            }
            retryNow(photo);
            return photo.id;
        });
    }

    /** Every failed photo, and every one waiting out a temporary failure, asked again now. */
    public int retryAll() {
        List<PhotoEntity> failing = photos.retryable();
        failing.forEach(this::retryNow);
        return failing.size();
    }

    private void retryNow(PhotoEntity photo) {
        PhotoMdc.set(photo.id);
        if (photo.status == PhotoStatus.FAILED) {
            photo.status = PhotoStatus.PENDING;
        }
        ProcessingResults.clearFailure(photo);
        requests.request(photo, photo.renditions.isEmpty() ? ProcessRequested.Reason.NEW : ProcessRequested.Reason.REPROCESS);
        Log.infof("photo %s: processing requested again by an operator", photo.id);
    }

    /**
     * Undoes a wrong twin match: the twin becomes a photo of its own (rendered and shown by itself);
     * a photo rendered from the twin's original goes back to its own.
     *
     * @return false when {@code twinId} is not a twin of {@code id}
     */
    public boolean split(UUID id, UUID twinId) {
        // Both rows held (the twin first, as a twin's join takes them): a delete, hide or retirement of the
        // photo committing meanwhile is decided on, not published over.
        PhotoEntity twin = photos.findLocked(twinId);
        PhotoEntity photo = photos.findLocked(id);
        if (photo == null || twin == null || !id.equals(twin.twinOf)) {
            return false;
        }
        if (photo.deletedAt != null) {
            // Its renditions are gone for good; rendering a part of it again would undo the operator's delete.
            throw new IllegalStateException("photo " + id + " is deleted: its twins stay part of it");
        }
        PhotoMdc.set(photo.id);
        twin.twinOf = null;
        twin.neverTwin = true;
        twin.status = PhotoStatus.PENDING;
        twin.updatedAt = Instant.now();
        requests.request(twin, ProcessRequested.Reason.NEW);
        if (twin.sha256.equals(photo.renderedSha256)) {
            photo.renderedSha256 = null;
            requests.request(photo, ProcessRequested.Reason.REPROCESS);
        }
        photos.flush();
        // Its own files were removed or written over while the twin's kept it on the frames (the rewrite of
        // its file in place may be that twin): with the twin gone nothing does, and it goes as that removal
        // would have taken it (onDelete: keep left orphanedAt null).
        boolean retired = photo.orphanedAt != null && retirements.retireIfOrphaned(photo, null, RemovalPolicy.RETIRE);
        if (!retired && photo.visible()) {
            catalog.update(photo, true);
        }
        Log.infof("photo %s: twin %s split off by an operator; it becomes a photo of its own", photo.id, twin.id);
        return true;
    }

    /** The photo's primary, its row held until the command's transaction ends ({@link PhotoRepository#lockedForUpdate}). */
    private Optional<PhotoEntity> primary(UUID id) {
        return Optional.ofNullable(photos.findById(id)).map(photos::primaryOf).map(photos::lockedForUpdate);
    }
}
