package io.imgboard.ledger.messaging;

import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.ledger.service.InvalidEventException;
import io.imgboard.telemetry.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Applies a consumed event and settles its Kafka record. Each attempt is a transaction of its own
 * (retrying inside a transaction that has failed cannot work). Then:
 * <ul>
 * <li>applied: the record is acknowledged;</li>
 * <li>the event breaks the contract ({@link InvalidEventException}): nacked, so it goes to
 *     {@code imgboard.dead-letter} (the channel's failure strategy) and the partition moves on;</li>
 * <li>a temporary database condition (down, busy, a failed commit): the attempt is repeated after a
 *     pause growing to {@code imgboard.ledger.retry.max-backoff}, for as long as the service runs. The
 *     channel waits meanwhile, so events keep their order, and readiness shows the database down;</li>
 * <li>any other failure (a bug, a value the database refuses) is tried
 *     {@code imgboard.ledger.retry.max-attempts} times, then the record goes to the dead-letter topic
 *     with the error in its headers and the partition moves on;</li>
 * <li>the service stops meanwhile: the record is neither acknowledged nor nacked. Its offset is never
 *     committed, so Kafka delivers it again after the restart. Records after it are left alone too.</li>
 * </ul>
 */
@ApplicationScoped
class InboundEvents {
    private final Retry retry;

    InboundEvents(LedgerConfig config, MeterRegistry registry) {
        Counter retries = Counter.builder("imgboard.ledger.consume.retries")
                .description("Attempts to apply a consumed event that failed for a temporary reason (tried again)")
                .register(registry);
        this.retry = new Retry(config.retry().initialBackoff(), config.retry().maxBackoff(), config.retry().maxAttempts(),
                failure -> retries.increment());
    }

    /**
     * @param what for the log, e.g. "FileArrived 0f3c..."
     * @param work applies the event; runs in a new transaction, again after a temporary failure
     * @return completes when the record is settled (or, when stopping, left unsettled on purpose)
     */
    CompletionStage<Void> apply(Message<?> message, String what, Runnable work) {
        if (retry.stopping()) {
            return CompletableFuture.completedFuture(null);
        }
        // The record's trace is current while it is applied: outbox rows written now carry it on.
        try (Scope traced = Tracing.enter(Tracing.of(message))) {
            return settle(message, what, work);
        }
    }

    private CompletionStage<Void> settle(Message<?> message, String what, Runnable work) {
        try {
            return switch (retry.untilDone(what, () -> QuarkusTransaction.requiringNew().run(work))) {
                case DONE -> message.ack();
                case STOPPED -> {
                    Log.infof("%s not applied before shutdown: left unacknowledged, Kafka delivers it again after the restart",
                            what);
                    yield CompletableFuture.completedFuture(null);
                }
            };
        } catch (InvalidEventException e) {
            Log.warnf("%s breaks the contract and goes to the dead-letter topic: %s", what, e.getMessage());
            return message.nack(e);
        } catch (Retry.GaveUpException e) {
            // The error goes into the dead letter's headers (dead-letter-reason, dead-letter-cause).
            Log.errorf(e.getCause(), "%s goes to the dead-letter topic: %s", what, e.getMessage());
            return message.nack(e);
        }
    }

    /** Shutdown ends any pause at once; an unapplied record stays unacknowledged. */
    void stop(@Observes ShutdownEvent shutdown) {
        retry.stop();
    }

    @PreDestroy
    void destroy() {
        retry.stop();
    }
}
