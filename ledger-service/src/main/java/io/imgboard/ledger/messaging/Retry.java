package io.imgboard.ledger.messaging;

import io.imgboard.ledger.service.InvalidEventException;
import io.quarkus.logging.Log;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs an attempt until it succeeds, pausing between failures (doubling from {@code initial} up to
 * {@code max}), for as long as the service runs. Only a broken contract ({@link InvalidEventException})
 * ends it with a failure: trying that again cannot help. Anything else (the database refused a
 * connection, the pool timed out, a commit or a unique key failed) is taken for temporary.
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

    private final Duration initialPause;
    private final Duration maxPause;
    private final Listener listener;
    private final CountDownLatch stopped = new CountDownLatch(1);

    Retry(Duration initialPause, Duration maxPause, Listener listener) {
        if (initialPause.isNegative() || initialPause.isZero() || maxPause.compareTo(initialPause) < 0) {
            throw new IllegalArgumentException("pauses must be positive and the maximum at least the first: "
                    + initialPause + ", " + maxPause);
        }
        this.initialPause = initialPause;
        this.maxPause = maxPause;
        this.listener = listener;
    }

    /**
     * @param what    for the log, e.g. "FileArrived 0f3c..."
     * @throws InvalidEventException from the attempt, at once
     */
    Outcome untilDone(String what, Runnable attempt) {
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
