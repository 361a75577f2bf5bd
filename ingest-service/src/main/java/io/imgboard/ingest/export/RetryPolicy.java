package io.imgboard.ingest.export;

import io.quarkus.logging.Log;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Tries an attempt until it succeeds, pausing between failures (doubling from the first pause up to
 * the maximum), at most {@code maxAttempts} times. A refusal ({@link ExportRefused}) ends it at once:
 * the same request would be refused again. Built for exports, where every other failure (S3, Kafka,
 * PostgreSQL or the disk not answering) may pass; ingest's uploads leave retrying to their clients.
 *
 * <p>{@link #stop()} (the service is shutting down) ends a pause at once and starts no further attempt.
 */
final class RetryPolicy {
    /** The last failure, after the last attempt or when the service stopped. */
    static final class GaveUp extends RuntimeException {
        final int attempts;

        GaveUp(int attempts, RuntimeException last) {
            super(last.getMessage(), last);
            this.attempts = attempts;
        }
    }

    private final int maxAttempts;
    private final Duration firstPause;
    private final Duration maxPause;
    private final CountDownLatch stopped = new CountDownLatch(1);

    RetryPolicy(int maxAttempts, Duration firstPause, Duration maxPause) {
        if (maxAttempts < 1 || firstPause.isNegative() || firstPause.isZero() || maxPause.compareTo(firstPause) < 0) {
            throw new IllegalArgumentException("imgboard.export: max-attempts must be at least 1 and the pauses "
                    + "positive with max-pause at least first-pause");
        }
        this.maxAttempts = maxAttempts;
        this.firstPause = firstPause;
        this.maxPause = maxPause;
    }

    /**
     * @throws ExportRefused from the attempt, at once
     * @throws GaveUp        after the last attempt, or when the service stops between attempts
     */
    <T> T run(String what, Supplier<T> attempt) {
        for (int attempts = 1; ; attempts++) {
            try {
                return attempt.get();
            } catch (ExportRefused refused) {
                throw refused;
            } catch (RuntimeException e) {
                if (attempts >= maxAttempts || stopping()) {
                    throw new GaveUp(attempts, e);
                }
                Duration pause = pauseAfter(attempts);
                Log.warnf("%s failed (attempt %d of %d), trying again in %d ms: %s", what, attempts, maxAttempts,
                        pause.toMillis(), e.getMessage());
                if (pauseOrStop(pause)) {
                    throw new GaveUp(attempts, e);
                }
            }
        }
    }

    /** The pause after the n-th failed attempt. */
    Duration pauseAfter(int failures) {
        Duration pause = firstPause;
        for (int i = 1; i < failures && pause.compareTo(maxPause) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(maxPause) > 0 ? maxPause : pause;
    }

    void stop() {
        stopped.countDown();
    }

    private boolean stopping() {
        return stopped.getCount() == 0;
    }

    private boolean pauseOrStop(Duration pause) {
        try {
            return stopped.await(pause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            return true;
        }
    }
}
