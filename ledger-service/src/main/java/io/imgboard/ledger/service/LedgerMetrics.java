package io.imgboard.ledger.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * The ledger's counters. Each counts only once its transaction has committed, so a rolled-back
 * (and later redelivered) event is not counted twice.
 */
@ApplicationScoped
public class LedgerMetrics {
    private final TransactionSynchronizationRegistry transactions;
    private final Counter photosCreated;
    private final Counter duplicates;
    private final Counter failuresPermanent;
    private final Counter failuresRetryable;
    private final Counter twins;

    LedgerMetrics(MeterRegistry registry, TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
        this.photosCreated = Counter.builder("imgboard.ledger.photos.created")
                .description("New photos (content not seen before)").register(registry);
        this.duplicates = Counter.builder("imgboard.ledger.duplicates")
                .description("Files that arrived again from another place (same content)").register(registry);
        this.failuresPermanent = Counter.builder("imgboard.ledger.failures")
                .description("Photos the preprocessor could not process").tag("permanent", "true").register(registry);
        this.failuresRetryable = Counter.builder("imgboard.ledger.failures")
                .description("Photos the preprocessor could not process").tag("permanent", "false").register(registry);
        this.twins = Counter.builder("imgboard.ledger.twins")
                .description("New content found to be the same shot as an existing photo").register(registry);
    }

    void twin() {
        afterCommit(twins);
    }

    void photoCreated() {
        afterCommit(photosCreated);
    }

    void duplicate() {
        afterCommit(duplicates);
    }

    void failure(boolean permanent) {
        afterCommit(permanent ? failuresPermanent : failuresRetryable);
    }

    private void afterCommit(Counter counter) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing to do before
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    counter.increment();
                }
            }
        });
    }
}
