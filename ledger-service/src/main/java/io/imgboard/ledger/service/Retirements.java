package io.imgboard.ledger.service;

import io.imgboard.ledger.persistence.JobRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;

/**
 * A retired photo's shot arriving again, as its own bytes or as a twin's: the one place that decides
 * what coming back means, so both ways bring back the same photo and none shows the shot twice.
 */
@ApplicationScoped
public class Retirements {
    private final JobRepository jobs;

    Retirements(JobRepository jobs) {
        this.jobs = jobs;
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
