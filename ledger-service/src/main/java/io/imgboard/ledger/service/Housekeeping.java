package io.imgboard.ledger.service;

import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.ledger.persistence.HandledEventRepository;
import io.imgboard.ledger.persistence.OutboxRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;

/** Keeps the bookkeeping tables small: sent outbox rows and old handled-event ids are deleted. */
@ApplicationScoped
public class Housekeeping {
    private final OutboxRepository outbox;
    private final HandledEventRepository handled;
    private final LedgerConfig config;

    Housekeeping(OutboxRepository outbox, HandledEventRepository handled, LedgerConfig config) {
        this.outbox = outbox;
        this.handled = handled;
        this.config = config;
    }

    @Scheduled(identity = "ledger-housekeeping", every = "1h", delay = 1, delayUnit = java.util.concurrent.TimeUnit.MINUTES,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    @Transactional
    void purge() {
        Instant now = Instant.now();
        long sent = outbox.deleteSentBefore(now.minus(config.outbox().retention()));
        int events = handled.deleteHandledBefore(now.minus(config.handledEventRetention()));
        if (sent > 0 || events > 0) {
            Log.infof("housekeeping: deleted %d sent outbox rows and %d handled-event ids", sent, events);
        }
    }
}
