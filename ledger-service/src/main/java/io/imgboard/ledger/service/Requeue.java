package io.imgboard.ledger.service;

import io.imgboard.events.ProcessRequested;
import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.PhotoStatus;
import io.imgboard.support.OutageLog;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Asks again for what is owed: photos whose temporary failure has waited its pause, requests that
 * nobody answered within {@code imgboard.ledger.processing.stuck-after} (the preprocessor lost them),
 * and a running reprocess job's next photos ({@link ReprocessJobs#requestNext()}).
 * State lives in the database, so this resumes after any restart.
 */
@ApplicationScoped
public class Requeue {
    private final PhotoRepository photos;
    private final ProcessingRequests requests;
    private final ReprocessJobs jobs;
    private final LedgerConfig.Processing config;

    Requeue(PhotoRepository photos, ProcessingRequests requests, ReprocessJobs jobs, LedgerConfig config) {
        this.photos = photos;
        this.requests = requests;
        this.jobs = jobs;
        this.config = config.processing();
    }

    private final OutageLog outage = new OutageLog(Requeue.class, "asking again for unanswered photos");

    @Scheduled(identity = "processing-requeue", every = "${imgboard.ledger.processing.sweep-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        try {
            int asked;
            do {
                asked = QuarkusTransaction.requiringNew().call(this::batch);
            } while (asked == 100);
            // A running reprocess job's next photos: after a restart, or when its results stopped coming.
            QuarkusTransaction.requiringNew().run(jobs::requestNext);
            outage.succeeded();
        } catch (RuntimeException e) {
            if (!outage.failed(e)) {
                Log.warnf(e, "processing requeue failed; the next sweep tries again");
            }
        }
    }

    int batch() {
        Instant now = Instant.now();
        List<PhotoEntity> due = photos.dueForRequest(now, now.minus(config.stuckAfter()), 100);
        for (PhotoEntity photo : due) {
            PhotoMdc.set(photo.id);
            boolean stuck = photo.nextRetryAt == null;
            Instant askedAt = photo.requestedAt;
            ProcessRequested.Reason reason = photo.status == PhotoStatus.READY || photo.renditions != null
                    && !photo.renditions.isEmpty() ? ProcessRequested.Reason.REPROCESS : ProcessRequested.Reason.NEW;
            requests.request(photo, reason);
            Log.infof("photo %s: %s; processing requested again", photo.id,
                    stuck ? "no answer since " + askedAt : "temporary failure " + photo.retryCount
                            + " waited its pause");
            PhotoMdc.clear();
        }
        return due.size();
    }
}
