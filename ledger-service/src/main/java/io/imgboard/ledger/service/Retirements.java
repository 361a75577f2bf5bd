package io.imgboard.ledger.service;

import io.imgboard.events.RemovalPolicy;
import io.imgboard.ledger.persistence.JobRepository;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.SourceCountRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;

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

    Retirements(JobRepository jobs, OriginRepository origins, SourceCountRepository counts, Catalog catalog) {
        this.jobs = jobs;
        this.origins = origins;
        this.counts = counts;
        this.catalog = catalog;
    }

    /**
     * Retires the photo when the policy says so and neither it nor a twin has an origin left.
     *
     * @param sourceId where its last origin went, counted there and logged
     * @return whether it was retired
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean retireIfOrphaned(PhotoEntity primary, String sourceId, RemovalPolicy policy) {
        if (policy != RemovalPolicy.RETIRE || primary.retiredAt != null || primary.deletedAt != null
                || origins.countOfGroup(primary.id) > 0) {
            return false;
        }
        boolean wasVisible = primary.visible();
        Instant now = Instant.now();
        primary.retiredAt = now;
        primary.updatedAt = now;
        counts.add(sourceId, "retired", 1);
        catalog.update(primary, wasVisible);
        Log.infof("photo %s retired: its last origin was removed at %s", primary.id, sourceId);
        return true;
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
