package io.imgboard.ledger.messaging;

import io.imgboard.ledger.service.InvalidEventException;
import io.imgboard.support.Causes;
import io.imgboard.support.DatabaseFailures;
import io.quarkus.logging.Log;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs an attempt until it succeeds, pausing between failures (doubling from {@code initial} up to
 * {@code max}). A broken contract ({@link InvalidEventException}) ends it at once: trying that again
 * cannot help. A temporary database condition (no connection, pool timeout, serialization or lock
 * failure, server shutting down: {@link #temporary}) is tried for as long as the service runs, so an
 * outage never loses an event. Anything else (a bug, a value the database refuses, a unique key
 * that stays taken) is tried {@code maxAttempts} times and then given up ({@link GaveUpException}),
 * so one bad record never stalls its partition.
 *
 * <p>{@link #stop()} (the service is shutting down) ends a pause at once and starts no further attempt.
 */
final class Retry {
    enum Outcome {
        /** The attempt succeeded. */
        DONE,
        /** The service is stopping; the attempt never succeeded. */
        STOPPED
    }

    /** Called after each failed attempt (metrics). */
    interface Listener {
        void failed(Throwable failure);
    }

    /** The attempt failed the same way too often; {@link #getCause()} is the last failure. */
    static final class GaveUpException extends RuntimeException {
        GaveUpException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final int DEFAULT_MAX_ATTEMPTS = 5;

    private final Duration initialPause;
    private final Duration maxPause;
    private final Listener listener;
    private final int maxAttempts;
    private final CountDownLatch stopped = new CountDownLatch(1);

    Retry(Duration initialPause, Duration maxPause, Listener listener) {
        this(initialPause, maxPause, DEFAULT_MAX_ATTEMPTS, listener);
    }

    Retry(Duration initialPause, Duration maxPause, int maxAttempts, Listener listener) {
        if (initialPause.isNegative() || initialPause.isZero() || maxPause.compareTo(initialPause) < 0) {
            throw new IllegalArgumentException("pauses must be positive and the maximum at least the first: "
                    + initialPause + ", " + maxPause);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        this.initialPause = initialPause;
        this.maxPause = maxPause;
        this.maxAttempts = maxAttempts;
        this.listener = listener;
    }

    /**
     * @param what    for the log, e.g. "FileArrived 0f3c..."
     * @throws InvalidEventException from the attempt, at once
     * @throws GaveUpException      after {@code maxAttempts} failures that were not temporary
     */
    Outcome untilDone(String what, Runnable attempt) {
        int lasting = 0;
        for (int attempts = 1; !stopping(); attempts++) {
            Duration pause = pauseAfter(attempts);
            try {
                attempt.run();
                if (attempts > 1) {
                    Log.infof("%s applied at attempt %d", what, attempts);
                }
                return Outcome.DONE;
            } catch (RuntimeException e) {
                InvalidEventException invalid = invalid(e);
                if (invalid != null) {
                    throw invalid;
                }
                listener.failed(e);
                if (!temporary(e) && ++lasting >= maxAttempts) {
                    throw new GaveUpException(what + " failed " + lasting + " times: " + rootCause(e), e);
                }
                if (attempts == 1) {
                    Log.warnf(e, "%s could not be applied; trying again in %d ms, for as long as it takes", what,
                            pause.toMillis());
                } else {
                    Log.warnf("%s could not be applied (attempt %d); trying again in %d ms: %s", what, attempts,
                            pause.toMillis(), rootCause(e));
                }
            }
            if (pauseOrStop(pause)) {
                break;
            }
        }
        return Outcome.STOPPED;
    }

    /** The pause after the n-th failed attempt: the first pause, doubled each time, up to the maximum. */
    Duration pauseAfter(int failures) {
        Duration pause = initialPause;
        for (int i = 1; i < failures && pause.compareTo(maxPause) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(maxPause) > 0 ? maxPause : pause;
    }

    boolean stopping() {
        return stopped.getCount() == 0;
    }

    void stop() {
        stopped.countDown();
    }

    /** @return true when the service is stopping */
    private boolean pauseOrStop(Duration pause) {
        try {
            return stopped.await(pause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Only shutdown interrupts a consumer's worker thread.
            Thread.currentThread().interrupt();
            stop();
            return true;
        }
    }

    /**
     * A condition of the database, not of the event: the database away ({@link DatabaseFailures}), or a
     * serialization or deadlock failure, a lock not obtained (SQLSTATE class 40 and 55P03).
     */
    static boolean temporary(Throwable failure) {
        return DatabaseFailures.unavailable(failure) || Causes.any(failure, t ->
                t instanceof jakarta.persistence.PessimisticLockException
                        || t instanceof jakarta.persistence.LockTimeoutException
                        || t instanceof jakarta.persistence.QueryTimeoutException
                        || t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                        && (sql.getSQLState().startsWith("40") || sql.getSQLState().equals("55P03")));
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The transaction wrapper may wrap what the attempt threw. */
    private static InvalidEventException invalid(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidEventException invalid) {
                return invalid;
            }
        }
        return null;
    }
}
