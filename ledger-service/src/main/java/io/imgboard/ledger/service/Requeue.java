package io.imgboard.ledger.service;

import io.imgboard.events.ProcessRequested;
import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.ledger.messaging.PreprocessorBacklog;
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
import java.util.OptionalLong;

/**
 * Asks again for what is owed: photos whose temporary failure has waited its pause, requests that
 * nobody answered within {@code imgboard.ledger.processing.stuck-after} once the preprocessors have read
 * every request (then the preprocessor lost them; before, they may be queued: {@link PreprocessorBacklog}),
 * and a running reprocess job's next photos ({@link ReprocessJobs#requestNext()}).
 * State lives in the database, so this resumes after any restart.
 */
@ApplicationScoped
public class Requeue {
    private final PhotoRepository photos;
    private final ProcessingRequests requests;
    private final ReprocessJobs jobs;
    private final PreprocessorBacklog backlog;
    private final LedgerConfig.Processing config;
    /** Whether the last sweep left unanswered photos alone because the preprocessors had a backlog. */
    private boolean waitedForBacklog;

    Requeue(PhotoRepository photos, ProcessingRequests requests, ReprocessJobs jobs, PreprocessorBacklog backlog,
            LedgerConfig config) {
        this.photos = photos;
        this.requests = requests;
        this.jobs = jobs;
        this.backlog = backlog;
        this.config = config.processing();
    }

    private final OutageLog outage = new OutageLog(Requeue.class, "asking again for unanswered photos");

    @Scheduled(identity = "processing-requeue", every = "${imgboard.ledger.processing.sweep-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void sweep() {
        try {
            Instant stuckBefore = stuckBefore(Instant.now());
            int asked;
            do {
                asked = QuarkusTransaction.requiringNew().call(() -> batch(stuckBefore));
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

    /**
     * The time before which an unanswered request counts as lost, or null while none may: when the
     * preprocessors still have requests to read (or the broker cannot say), such a request is queued.
     */
    Instant stuckBefore(Instant now) {
        Instant before = now.minus(config.stuckAfter());
        long waiting = QuarkusTransaction.requiringNew().call(() -> photos.unansweredSince(before));
        if (waiting == 0) {
            waitedForBacklog = false;
            return null;
        }
        OptionalLong unread = backlog.unread();
        if (unread.isPresent() && unread.getAsLong() == 0) {
            if (waitedForBacklog) {
                Log.infof("the preprocessors have read every request: %d photos unanswered for over %s are asked again",
                        waiting, config.stuckAfter());
            }
            waitedForBacklog = false;
            return before;
        }
        if (!waitedForBacklog) {
            Log.infof("%d photos have waited over %s for an answer; %s: they are asked again only once every request"
                    + " was read", waiting, config.stuckAfter(), unread.isPresent()
                    ? "the preprocessors have " + unread.getAsLong() + " requests still to read"
                    : "Kafka cannot say how many requests the preprocessors have still to read");
        }
        waitedForBacklog = true;
        return null;
    }

    int batch(Instant stuckBefore) {
        Instant now = Instant.now();
        List<PhotoEntity> due = photos.dueForRequest(now, stuckBefore, 100);
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
