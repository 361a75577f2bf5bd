package io.imgboard.ledger.service;

import io.imgboard.events.ProcessRequested;
import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.ledger.persistence.JobRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.PhotoStatus;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Reprocess jobs: every photo (or every failed one) rendered again from its stored original. The job
 * and one item per photo are rows; progress moves when a result arrives (or at once, for a photo
 * deleted or made a twin before its turn), so a restart of any service resumes it (unanswered
 * requests are sent again by {@link Requeue}, which also asks for the next photos). One job at a time. A job asks for its photos a few at a time
 * ({@code imgboard.ledger.processing.reprocess-in-flight}), the next with each result: the requests
 * share the process-requests topic with new photos, whose requests would otherwise wait behind the
 * whole library's in their partitions (hours, for a large one) before the preprocessor saw them.
 */
@ApplicationScoped
public class ReprocessJobs {
    private final JobRepository jobs;
    private final PhotoRepository photos;
    private final ProcessingRequests requests;
    private final int inFlight;

    ReprocessJobs(JobRepository jobs, PhotoRepository photos, ProcessingRequests requests, LedgerConfig config) {
        this.jobs = jobs;
        this.photos = photos;
        this.requests = requests;
        this.inFlight = config.processing().reprocessInFlight();
        if (inFlight < 1) {
            throw new IllegalArgumentException("imgboard.ledger.processing.reprocess-in-flight must be at least 1, was "
                    + inFlight);
        }
    }

    /**
     * @param scope   {@code all} or {@code failed}
     * @param replace whether a running job is replaced (a rendition change) or refused
     * @throws JobConflictException when a job runs and {@code replace} is false
     */
    @Transactional
    public JobView start(String scope, boolean replace) {
        if (!"all".equals(scope) && !"failed".equals(scope)) {
            throw new IllegalArgumentException("scope must be \"all\" or \"failed\", not " + scope);
        }
        jobs.lock();
        Instant now = Instant.now();
        jobs.running().ifPresent(running -> {
            if (!replace) {
                throw new JobConflictException("Reprocessing already in progress");
            }
            jobs.replace(running.id(), now);
            Log.infof("reprocess job %s replaced by a new one", running.id());
        });
        List<UUID> ids = photos.reprocessable("failed".equals(scope));
        UUID id = UUID.randomUUID();
        jobs.create(id, scope, ids, now);
        int asked = requestNext(id, now);
        Log.infof("reprocess job %s (%s): %d photos, asked for %d at a time", id, scope, ids.size(), asked);
        return current();
    }

    /**
     * Asks for the running job's next photos, as many as keep {@code reprocess-in-flight} asked for
     * and unanswered; run after each of its results (when no other transaction holds the job lock) and
     * on the requeue sweep (so a restart resumes it).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void requestNext() {
        jobs.lock();
        jobs.running().ifPresent(job -> requestNext(job.id(), Instant.now()));
    }

    private int requestNext(UUID jobId, Instant now) {
        int asked = 0;
        List<UUID> next = jobs.nextToRequest(jobId, inFlight, now);
        while (!next.isEmpty()) {
            int settledAtOnce = 0;
            for (UUID photoId : next) {
                PhotoEntity photo = photos.findLocked(photoId); // a delete committing meanwhile is seen, not undone
                if (photo == null || photo.deletedAt != null) {
                    jobs.settle(photoId, JobRepository.Outcome.LEFT, DELETED, now);
                    settledAtOnce++;
                } else if (photo.status == PhotoStatus.TWIN) {
                    // It became a twin after the job started (its first result came in): it has no renditions of its own.
                    jobs.settle(photoId, JobRepository.Outcome.LEFT, twinReason(photo), now);
                    settledAtOnce++;
                } else {
                    ProcessingResults.clearFailure(photo);
                    if (photo.status == PhotoStatus.FAILED) {
                        photo.status = PhotoStatus.PENDING;
                    }
                    requests.request(photo, ProcessRequested.Reason.REPROCESS);
                    asked++;
                }
            }
            // Items settled here freed their places at once: fill them now, or a job whose next photos were
            // all deleted would wait for no result and move on only at the requeue sweep.
            next = settledAtOnce == 0 ? List.of() : jobs.nextToRequest(jobId, inFlight, now);
        }
        return asked;
    }

    /** Why a deleted photo's item in a job ends without a re-render. */
    public static final String DELETED = "deleted by an operator";

    /** Why a twin's item in a job ends without a re-render. */
    static String twinReason(PhotoEntity photo) {
        return "a twin of photo " + photo.twinOf + " now: not rendered on its own";
    }

    /** The running job, else the latest one, else {@link JobView#NONE}. */
    @Transactional
    public JobView current() {
        return jobs.latest().map(ReprocessJobs::view).orElse(JobView.NONE);
    }

    /** A result for the photo counts toward the running job (when the photo is one of its waiting items). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void resultFor(UUID photoId, boolean ok, String reason) {
        settle(photoId, ok ? JobRepository.Outcome.DONE : JobRepository.Outcome.FAILED, reason);
    }

    /**
     * The photo leaves the running job unrendered ({@link #DELETED}, or now a twin): it counts neither as done nor
     * as failed (img-board's {@code failed} is photos whose rendering failed), and the job's total drops by one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void left(UUID photoId, String reason) {
        settle(photoId, JobRepository.Outcome.LEFT, reason);
    }

    private void settle(UUID photoId, JobRepository.Outcome outcome, String reason) {
        if (jobs.settle(photoId, outcome, reason, Instant.now())) {
            // This transaction now holds the job's row (settle counted the result there). Waiting for the job
            // lock here could deadlock with its holder (the requeue sweep, a new job), which may settle an item
            // of the same job; when another transaction holds it, the sweep asks for the next photo instead.
            if (jobs.tryLock()) {
                jobs.running().ifPresent(job -> requestNext(job.id(), Instant.now()));
            }
        }
    }

    private static JobView view(JobRepository.JobRow job) {
        Long eta = null;
        int settled = job.done() + job.failed();
        if ("running".equals(job.state()) && settled > 0) {
            long elapsed = Duration.between(job.startedAt(), Instant.now()).toMillis();
            eta = Math.max(0, elapsed * (job.total() - settled) / settled / 1000);
        }
        return new JobView(job.id(), "replaced".equals(job.state()) ? "finished" : job.state(), job.scope(),
                job.total(), job.done(), job.failed(), job.startedAt(), job.updatedAt(), job.finishedAt(), eta);
    }
}
