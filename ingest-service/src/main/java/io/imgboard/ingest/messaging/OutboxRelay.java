package io.imgboard.ingest.messaging;

import io.imgboard.ingest.persistence.FileEventOutbox;
import io.imgboard.support.OutageLog;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends what {@link FileEventOutbox} holds to {@code imgboard.files}, oldest first, deleting each
 * row once Kafka acknowledged it. Called right after a change commits, and every few seconds for
 * what an outage left behind; a pass stops at the first event Kafka does not take, so the events of
 * one file keep their order. An event may go out twice (sent, then the delete lost): the ledger
 * skips an {@code eventId} it has seen.
 *
 * <p>One relay per process: the lock keeps the scheduled pass and a request's pass from sending the
 * same rows side by side. Ingest runs as one instance (its folder sources and WebDAV tree are its own).
 */
@ApplicationScoped
public class OutboxRelay {
    private static final int BATCH = 100;

    private final FileEventOutbox outbox;
    private final FileEventPublisher publisher;
    private final ReentrantLock running = new ReentrantLock();
    private final OutageLog outage = new OutageLog(OutboxRelay.class, "sending the outbox to Kafka");

    OutboxRelay(FileEventOutbox outbox, FileEventPublisher publisher) {
        this.outbox = outbox;
        this.publisher = publisher;
    }

    @Scheduled(every = "${imgboard.outbox.relay-every}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        outage.run(this::relay);
    }

    /** @return how many events Kafka took in this pass (0 when another pass is running) */
    public int relay() {
        if (!running.tryLock()) {
            return 0;
        }
        return passHoldingTheLock();
    }

    /**
     * A pass of its own, once a pass already running has ended (waiting at most {@code wait} for it): what
     * that pass had read before the caller's rows were written is then sent too.
     *
     * @return how many events Kafka took in this pass (0 when the running one did not end in time)
     */
    public int relayAfterRunning(java.time.Duration wait) {
        try {
            if (!running.tryLock(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return passHoldingTheLock();
    }

    private int passHoldingTheLock() {
        try {
            int sent = 0;
            while (true) {
                List<FileEventOutbox.Pending> batch = outbox.oldest(BATCH);
                for (FileEventOutbox.Pending pending : batch) {
                    try {
                        publisher.publish(pending.event());
                    } catch (PublishException e) {
                        outbox.failed(pending.id(), e.getMessage());
                        if (pending.attempts() == 0 || pending.attempts() % 20 == 0) {
                            Log.warnf("file event %s for %s waits in the outbox (attempt %d): %s",
                                    pending.event().eventId(), pending.event().place(), pending.attempts() + 1, e.getMessage());
                        }
                        return sent;
                    }
                    outbox.sent(pending.id());
                    sent++;
                }
                if (batch.size() < BATCH) {
                    return sent;
                }
            }
        } finally {
            running.unlock();
        }
    }
}
