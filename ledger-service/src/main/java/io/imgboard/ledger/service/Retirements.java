package io.imgboard.ledger.service;

import io.imgboard.events.RemovalPolicy;
import io.imgboard.ledger.persistence.JobRepository;
import io.imgboard.ledger.persistence.OriginEntity;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.SourceCountRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A photo leaving the frames because its last file went, and its shot arriving again, as its own bytes
 * or as a twin's: the one place that decides what going and coming back mean, so every way back brings
 * back the same photo and none shows the shot twice.
 */
@ApplicationScoped
public class Retirements {
    private final JobRepository jobs;
    private final OriginRepository origins;
    private final SourceCountRepository counts;
    private final Catalog catalog;
    private final PhotoRepository photos;
    private final ObjectDeletions deletions;

    Retirements(JobRepository jobs, OriginRepository origins, SourceCountRepository counts, Catalog catalog,
                PhotoRepository photos, ObjectDeletions deletions) {
        this.jobs = jobs;
        this.deletions = deletions;
        this.photos = photos;
        this.origins = origins;
        this.counts = counts;
        this.catalog = catalog;
    }

    /**
     * Retires the photo when the policy says so and neither it nor a twin has an origin left.
     *
     * @param sourceId where its last origin went, counted there and logged; null when not known
     * @return whether it was retired
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean retireIfOrphaned(PhotoEntity primary, String sourceId, RemovalPolicy policy) {
        if (policy == RemovalPolicy.RETIRE) {
            photos.lockedForUpdate(primary); // decided on its state now, not as read before an operator's command
        }
        if (policy != RemovalPolicy.RETIRE || primary.retiredAt != null || primary.deletedAt != null
                || origins.countOfGroup(primary.id) > 0) {
            return false;
        }
        boolean wasVisible = primary.visible();
        Instant now = Instant.now();
        primary.retiredAt = now;
        primary.updatedAt = now;
        if (sourceId != null) {
            counts.add(sourceId, "retired", 1);
        }
        catalog.update(primary, wasVisible);
        Log.infof("photo %s retired: its last origin was removed%s", primary.id, sourceId == null ? "" : " at " + sourceId);
        return true;
    }

    /**
     * A file of {@code photo} is gone: removed, or another file took its place (written over it in place, or
     * moved onto it). Its photo is retired when that was the last file of it and its twins and the policy
     * says so; either way how the photo's own last file went is remembered ({@link #ownFilesGone}).
     *
     * @return whether its photo was retired
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean fileGone(PhotoEntity photo, String sourceId, RemovalPolicy policy) {
        PhotoEntity primary = photos.primaryOf(photo);
        boolean retired = retireIfOrphaned(primary, sourceId, policy);
        // remembered when it was retired too: the same shot from elsewhere may bring it back as its twin, and
        // splitting that twin off must then retire it again
        ownFilesGone(photo, policy);
        if (primary.deletedAt != null && deletions.originalsOfDeleted(primary)) {
            // its originals were kept for a WebDAV client's files; the last of them is gone now
            Log.infof("photo %s is deleted and no WebDAV file of it is left: its originals are deleted", primary.id);
        }
        return retired;
    }

    /**
     * A file of {@code photo} itself went and the photo was not retired: when it is a photo (not a twin) and
     * none of its own files is left (a twin's files keep it on the frames, the policy keeps it, or it waits
     * for the content written over its file), remember how its last file went, so that splitting the twin
     * off later retires it as this removal would have ({@code retire}), or keeps it ({@code keep}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void ownFilesGone(PhotoEntity photo, RemovalPolicy policy) {
        if (photo.twinOf == null && origins.count("photoId", photo.id) == 0) {
            photo.orphanedAt = policy == RemovalPolicy.RETIRE ? Instant.now() : null;
        }
    }

    /**
     * The photo whose file {@code photo}'s content replaced in place ({@link PhotoEntity#replaces}) waited
     * while the content was made; now that it is settled (made, failed for good, or deleted) that photo goes,
     * unless an origin is left in its group: the content joined it as its twin and holds the file, for one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void settleReplaced(PhotoEntity photo) {
        UUID replaced = photo.replaces;
        if (replaced == null) {
            return;
        }
        photo.replaces = null;
        PhotoEntity before = photos.findById(replaced);
        if (before == null) {
            return;
        }
        List<OriginEntity> place = origins.ofPhotos(List.of(photo.id));
        retireIfOrphaned(photos.primaryOf(before), place.isEmpty() ? null : place.get(0).sourceId, RemovalPolicy.RETIRE);
    }

    /**
     * Takes the retirement back (the caller tells frames, {@link Catalog#update}).
     *
     * @param how what brought it back, for the log
     * @return whether it must be rendered again: a reprocess of the whole library (new sizes) started
     *         while it was retired, and jobs leave retired photos out
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean bringBack(PhotoEntity primary, String how) {
        Instant retiredAt = primary.retiredAt;
        primary.retiredAt = null;
        primary.updatedAt = Instant.now();
        Log.infof("photo %s is no longer retired: %s", primary.id, how);
        boolean stale = retiredAt != null && jobs.wholeLibraryJobSince(retiredAt);
        if (stale) {
            Log.infof("photo %s was retired while the library was reprocessed: processing it again", primary.id);
        }
        return stale;
    }
}
