package io.imgboard.ledger.messaging;

import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.ledger.persistence.OutboxEntity;
import io.imgboard.ledger.persistence.OutboxRepository;
import io.imgboard.ledger.service.OutboxWritten;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.imgboard.support.OutageLog;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves outbox rows to Kafka. A batch is: lock the oldest due unsent rows ({@code FOR UPDATE SKIP
 * LOCKED}), send each to its topic under its key, wait for the broker's acknowledgements, set
 * {@code sent_at} on the acknowledged rows, commit. A row whose send failed stays unsent and is
 * tried again after a growing pause; meanwhile it holds back the later rows of its key (their order
 * matters to consumers), but not the rows of other keys.
 *
 * <p>Runs right after a transaction that wrote outbox rows commits (low latency), and on a sweep
 * every second for whatever that missed (the broker was down, the process restarted). All runs in
 * one instance go through one thread, so they never compete for rows; several instances split the
 * rows between them through SKIP LOCKED.
 *
 * <p>Delivery is at least once: a crash between the acknowledgement and the commit sends the row
 * again, which consumers absorb (they are idempotent by event id).
 */
@ApplicationScoped
class OutboxRelay {
    private final OutboxRepository rows;
    private final OutboxPublisher publisher;
    private final LedgerConfig.Outbox config;
    private final Counter sent;
    private final Counter failed;
    private final Counter parked;
    private final AtomicLong unsent = new AtomicLong();
    private final AtomicBoolean queued = new AtomicBoolean();
    /** Set by the sweep: the run it asks for also counts the unsent rows for the gauge (not every run after a commit). */
    private final AtomicBoolean countDue = new AtomicBoolean(true);
    private final OutageLog outage = new OutageLog(OutboxRelay.class, "sending the outbox to Kafka");
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "outbox-relay");
        thread.setDaemon(true);
        return thread;
    });

    OutboxRelay(OutboxRepository rows, OutboxPublisher publisher, LedgerConfig config, MeterRegistry registry) {
        this.rows = rows;
        this.publisher = publisher;
        this.config = config.outbox();
        this.sent = Counter.builder("imgboard.ledger.outbox.sent")
                .description("Outbox rows the broker acknowledged").register(registry);
        this.failed = Counter.builder("imgboard.ledger.outbox.send.failures")
                .description("Outbox sends that failed or timed out (tried again later)").register(registry);
        this.parked = Counter.builder("imgboard.ledger.outbox.parked")
                .description("Outbox rows parked because they could not be sent (not an outage)").register(registry);
        Gauge.builder("imgboard.ledger.outbox.unsent", unsent, AtomicLong::get)
                .description("Outbox rows not yet acknowledged by the broker, as of the last sweep").register(registry);
    }

    /** Right after a transaction that wrote outbox rows has committed (never before: they would not be visible). */
    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxWritten written) {
        trigger();
    }

    @Scheduled(identity = "outbox-sweep", every = "${imgboard.ledger.outbox.sweep-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        countDue.set(true);
        trigger();
    }

    /** Asks for a relay run; triggers that arrive while one is queued are folded into it. */
    void trigger() {
        if (queued.compareAndSet(false, true)) {
            try {
                worker.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                queued.set(false);
            }
        }
    }

    private void drain() {
        // Cleared before reading, so a row committed from now on triggers another run.
        queued.set(false);
        boolean count = countDue.getAndSet(false);
        try {
            int acknowledged;
            do {
                acknowledged = QuarkusTransaction.requiringNew()
                        .timeout(transactionTimeoutSeconds())
                        .call(() -> {
                            int acked = relayBatch();
                            if (acked == 0 && count) {
                                // The gauge, once a second (the sweep's run), in the run's last transaction:
                                // after every commit it was a third of the relay's transactions.
                                unsent.set(rows.countUnsent());
                            }
                            return acked;
                        });
                // Also after a short batch: a sent row may have been holding back the next row of its key.
            } while (acknowledged > 0 && !Thread.currentThread().isInterrupted());
            outage.succeeded();
        } catch (RuntimeException e) {
            countDue.compareAndSet(false, count);
            if (!outage.failed(e)) {
                Log.warnf(e, "outbox relay run failed; the next sweep tries again");
            }
        }
    }

    /** One batch in the caller's transaction; returns how many rows the broker acknowledged. */
    private int relayBatch() {
        Instant now = Instant.now();
        List<OutboxEntity> batch = rows.lockDue(config.batchSize(), now);
        if (batch.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
        for (OutboxEntity row : batch) {
            acks.add(publisher.send(row.topic, row.messageKey, row.payload, row.traceparent));
        }
        long deadline = System.nanoTime() + config.sendTimeout().toNanos();
        int acknowledged = 0;
        for (int i = 0; i < batch.size(); i++) {
            OutboxEntity row = batch.get(i);
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                row.sentAt = Instant.now();
                row.lastError = null;
                row.nextAttemptAt = null;
                acknowledged++;
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                failedSend(row, cause, now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // Shutting down: what was acknowledged is marked; the rest is sent again next time.
                break;
            }
        }
        sent.increment(acknowledged);
        return acknowledged;
    }

    private void failedSend(OutboxEntity row, Throwable cause, Instant now) {
        row.attempts++;
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
        row.lastError = message.length() > 1000 ? message.substring(0, 1000) : message;
        row.nextAttemptAt = now.plus(backoff(row.attempts));
        failed.increment();
        if (!outage(cause) && row.attempts >= config.maxAttempts()) {
            row.parkedAt = now;
            parked.increment();
            Log.errorf("outbox row %d (%s, key %s) parked after %d attempts; it no longer holds back its key and"
                    + " can be replayed (POST /api/v1/outbox/%d/replay): %s", row.id, row.topic, row.messageKey,
                    row.attempts, row.id, row.lastError);
            return;
        }
        Log.warnf("outbox row %d (%s, key %s) not acknowledged (attempt %d, next at %s): %s", row.id, row.topic,
                row.messageKey, row.attempts, row.nextAttemptAt, row.lastError);
    }

    /** The broker is away or busy (Kafka calls that retriable; our own wait timed out): never a reason to park. */
    static boolean outage(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RetriableException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** 1 s, 2 s, 4 s, ... up to the configured maximum. */
    private Duration backoff(int attempts) {
        Duration pause = Duration.ofSeconds(1L << Math.min(attempts - 1, 16));
        return pause.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : pause;
    }

    private int transactionTimeoutSeconds() {
        // The batch holds its row locks while it waits for the broker: leave room beyond the send timeout.
        return (int) config.sendTimeout().plusSeconds(30).toSeconds();
    }

    /** On shutdown, before Hibernate and the Kafka channel go away; unsent rows wait for the next start. */
    void stop(@Observes ShutdownEvent shutdown) {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
