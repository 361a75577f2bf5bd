package io.imgboard.ledger.service;

import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileExported;
import io.imgboard.events.SourceIds;
import io.imgboard.events.FileMoved;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.FileSkipped;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.RemovalPolicy;
import io.imgboard.ledger.persistence.OriginEntity;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.SourceCountRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static io.imgboard.ledger.service.EventChecks.MAX_NAME;
import static io.imgboard.ledger.service.EventChecks.MAX_PATH;
import static io.imgboard.ledger.service.EventChecks.MAX_SOURCE_ID;
import static io.imgboard.ledger.service.EventChecks.MAX_TEXT;

/**
 * Files appearing at, moving within and vanishing from the places sources watch. The photo's
 * identity is its sha256: the first arrival of some content creates a photo and asks for its
 * renditions; every further arrival of the same content is only another origin (a duplicate). When a
 * photo's last origin is removed at a source whose policy is RETIRE, the photo is retired (it leaves
 * every frame); it comes back if its content arrives again.
 */
@ApplicationScoped
public class FileEvents {
    private final PhotoRepository photos;
    private final OriginRepository origins;
    private final SourceCountRepository counts;
    private final ProcessingRequests requests;
    private final Catalog catalog;
    private final Exports exports;
    private final LedgerMetrics metrics;
    private final Retirements retirements;
    private final ObjectDeletions deletions;

    FileEvents(PhotoRepository photos, OriginRepository origins, SourceCountRepository counts,
               ProcessingRequests requests, Catalog catalog, Exports exports, LedgerMetrics metrics,
               Retirements retirements, ObjectDeletions deletions) {
        this.retirements = retirements;
        this.deletions = deletions;
        this.photos = photos;
        this.origins = origins;
        this.counts = counts;
        this.requests = requests;
        this.catalog = catalog;
        this.exports = exports;
        this.metrics = metrics;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void handle(FileEvent event) {
        String what = event.getClass().getSimpleName();
        EventChecks.text(event.sourceId(), "sourceId", MAX_SOURCE_ID, what);
        EventChecks.text(event.path(), "path", MAX_PATH, what);
        if (event instanceof FileArrived arrived) {
            arrived(arrived);
        } else if (event instanceof FileRemoved removed) {
            removed(removed);
        } else if (event instanceof FileMoved moved) {
            moved(moved);
        } else if (event instanceof FileSkipped skipped) {
            skipped(skipped);
        } else if (event instanceof FileExported exported) {
            exported(exported);
        }
    }

    private void arrived(FileArrived event) {
        String what = "FileArrived";
        String sha256 = EventChecks.sha256(event.sha256(), what);
        EventChecks.text(event.originalKey(), "originalKey", MAX_PATH, what);
        EventChecks.optionalText(event.name(), "name", MAX_NAME, what);
        EventChecks.optionalText(event.contentType(), "contentType", 255, what);
        EventChecks.optionalText(event.deviceId(), "deviceId", MAX_SOURCE_ID, what);
        if (event.size() < 0) {
            throw new InvalidEventException("FileArrived with a negative size: " + event.size());
        }
        Instant now = Instant.now();
        Instant seenAt = event.occurredAt() != null ? event.occurredAt() : now;
        String name = event.name() == null || event.name().isBlank() ? lastSegment(event.path()) : event.name();

        boolean created = false;
        Optional<PhotoEntity> known = photos.findBySha256(sha256);
        UUID requestId = UUID.randomUUID();
        if (known.isEmpty()) {
            created = photos.insertPendingIfAbsent(UUID.randomUUID(), sha256, name, event.originalKey(),
                    event.contentType(), event.size(), event.fileModifiedAt(), requestId, now);
        }
        PhotoEntity photo = known.orElseGet(() -> photos.findBySha256(sha256).orElseThrow());
        PhotoEntity primary = photos.primaryOf(photo);
        PhotoMdc.set(primary.id);
        counts.unskip(event.sourceId(), event.path());

        boolean newOrigin = false;
        Optional<OriginEntity> existing = origins.findBySourceAndPath(event.sourceId(), event.path());
        if (existing.isEmpty()) {
            OriginEntity origin = new OriginEntity();
            origin.photoId = photo.id;
            origin.sourceId = event.sourceId();
            origin.path = event.path();
            origin.name = name;
            origin.deviceId = event.deviceId();
            origin.firstSeenAt = seenAt;
            origin.lastSeenAt = seenAt;
            origins.persist(origin);
            newOrigin = true;
        } else if (existing.get().photoId.equals(photo.id)) {
            OriginEntity origin = existing.get();
            origin.name = name;
            if (event.deviceId() != null) {
                origin.deviceId = event.deviceId();
            }
            if (seenAt.isAfter(origin.lastSeenAt)) {
                origin.lastSeenAt = seenAt;
            }
            Log.debugf("%s:%s seen again", event.sourceId(), event.path());
        } else {
            // The file at this path was replaced by other content (edited in place): the place now
            // belongs to the new photo, and the previous one may have lost its last origin.
            OriginEntity origin = existing.get();
            UUID previous = origin.photoId;
            origin.photoId = photo.id;
            origin.name = name;
            origin.deviceId = event.deviceId();
            origin.firstSeenAt = seenAt;
            origin.lastSeenAt = seenAt;
            newOrigin = true;
            origins.flush();
            Log.infof("%s:%s was replaced: photo %s -> %s", event.sourceId(), event.path(), previous, photo.id);
            PhotoEntity before = photos.findById(previous);
            if (before != null && before.replaces != null) {
                // The content it held was still waiting to settle the photo it had replaced: new content
                // takes the wait over; content known already settles it now.
                if (created) {
                    photo.replaces = before.replaces;
                    before.replaces = null;
                } else {
                    retirements.settleReplaced(before);
                }
            }
            PhotoEntity beforePrimary = before == null ? null : photos.primaryOf(before);
            RemovalPolicy onDelete = policy(event.onDelete());
            if (beforePrimary != null && created && onDelete == RemovalPolicy.RETIRE && beforePrimary.visible()) {
                // It may be the same shot with other metadata (a photo tool rewriting EXIF in place): whether
                // the previous photo goes is decided once this content is made, so it never leaves the
                // frames only to come back as its twin (ProcessingResults). Its own file is gone either way: should
                // this content join it and be split off later, nothing holds it then.
                photo.replaces = beforePrimary.id;
                retirements.ownFilesGone(before, onDelete);
            } else if (before != null) {
                retirements.fileGone(before, event.sourceId(), onDelete);
            }
        }

        if (newOrigin) {
            counts.add(event.sourceId(), "discovered", 1);
            counts.add(event.sourceId(), created ? "new" : "duplicate", 1);
            if (!created) {
                metrics.duplicate();
                Log.infof("%s at %s:%s is a duplicate of photo %s", name, event.sourceId(), event.path(), primary.id);
            }
        }
        if (created) {
            metrics.photoCreated();
            requests.request(photo, ProcessRequested.Reason.NEW, requestId);
            Log.infof("new photo %s (%s) from %s:%s, processing requested", photo.id, name, event.sourceId(),
                    event.path());
            return;
        }
        photos.lockedForUpdate(primary); // an operator's hide or delete may be committing now
        if (primary.deletedAt != null) {
            if (SourceIds.readBack(event.sourceId())) {
                // A WebDAV client's file reads its bytes back from the stored original, which the delete let go.
                deletions.keepOriginal(event.originalKey());
            } else {
                // Ingest stored these bytes again before the ledger could say they are deleted: left there, they
                // would be the deleted photo's copy that no delete ever takes.
                deletions.originalsOfDeleted(primary);
            }
        }
        boolean wasVisible = primary.visible();
        if (primary.retiredAt != null && primary.deletedAt == null) {
            boolean stale = retirements.bringBack(primary, "it arrived again at " + event.sourceId() + ":" + event.path());
            catalog.update(primary, false); // shown at once; when stale, made again now
            if (stale) {
                requests.request(primary, ProcessRequested.Reason.REPROCESS);
            }
        } else if (newOrigin && wasVisible) {
            // Frames filter by source and device: tell them about the new place.
            catalog.update(primary, true);
        }
    }

    /**
     * The file at a path is gone: its photo's origin there, or else the skipped file listed there. Both are
     * recorded at one path only when a photo was replaced by a file that is not one (a text file written
     * over it): ingest then announces the skip and the photo's removal, and the skip is what is there now.
     */
    private void removed(FileRemoved event) {
        Optional<OriginEntity> origin = origins.findBySourceAndPath(event.sourceId(), event.path());
        if (origin.isEmpty()) {
            counts.unskip(event.sourceId(), event.path());
            Log.debugf("%s:%s removed, but it was never recorded as a photo", event.sourceId(), event.path());
            return;
        }
        // Held: an operator splitting this twin off meanwhile decides which photo the removal concerns.
        PhotoEntity photo = photos.findLocked(origin.get().photoId);
        PhotoEntity primary = photos.primaryOf(photo);
        PhotoMdc.set(primary.id);
        origins.delete(origin.get());
        origins.flush();
        if (!retirements.fileGone(photo, event.sourceId(), event.policy())) {
            Log.infof("%s:%s removed; photo %s stays (policy %s)", event.sourceId(), event.path(), primary.id,
                    event.policy());
        }
    }

    /** A rename or an archive move: the origin moves, the photo is untouched (not a removal). */
    private void moved(FileMoved event) {
        EventChecks.text(event.toPath(), "toPath", MAX_PATH, "FileMoved");
        Optional<OriginEntity> origin = origins.findBySourceAndPath(event.sourceId(), event.path());
        if (origin.isEmpty()) {
            Log.debugf("%s:%s moved to %s, but it was never recorded", event.sourceId(), event.path(), event.toPath());
            return;
        }
        if (event.toPath().equals(event.path())) {
            return;
        }
        PhotoMdc.set(origin.get().photoId);
        Optional<OriginEntity> target = origins.findBySourceAndPath(event.sourceId(), event.toPath());
        if (target.isPresent()) {
            // Something was recorded at the new path already: the move overwrote it.
            OriginEntity replaced = target.get();
            UUID previous = replaced.photoId;
            origins.delete(replaced);
            origins.flush();
            if (!previous.equals(origin.get().photoId)) {
                PhotoEntity before = photos.findById(previous);
                if (before != null) {
                    retirements.fileGone(before, event.sourceId(), RemovalPolicy.RETIRE);
                }
            }
        }
        OriginEntity moving = origin.get();
        moving.path = event.toPath();
        moving.name = lastSegment(event.toPath());
        Log.infof("%s:%s moved to %s (photo %s unchanged)", event.sourceId(), event.path(), event.toPath(),
                moving.photoId);
    }

    private void skipped(FileSkipped event) {
        String reason = EventChecks.text(event.reason(), "reason", 200, "FileSkipped");
        EventChecks.optionalText(event.name(), "name", MAX_NAME, "FileSkipped");
        Instant at = event.occurredAt() != null ? event.occurredAt() : Instant.now();
        if (counts.skipped(event.sourceId(), event.path(), event.name(), Math.max(0, event.size()), reason, at)) {
            counts.add(event.sourceId(), "discovered", 1);
        }
        Log.debugf("%s:%s skipped: %s", event.sourceId(), event.path(), reason);
    }

    private void exported(FileExported event) {
        if (event.photoId() == null) {
            throw new InvalidEventException("FileExported without photoId");
        }
        EventChecks.optionalText(event.error(), "error", MAX_TEXT, "FileExported");
        exports.exported(event);
    }

    private static RemovalPolicy policy(RemovalPolicy policy) {
        return policy == null ? RemovalPolicy.RETIRE : policy;
    }

    static String lastSegment(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
