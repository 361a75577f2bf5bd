package io.imgboard.preprocessor.service;

import io.imgboard.preprocessor.config.PreprocessorConfig;
import io.imgboard.preprocessor.imaging.ImageRefusedException;
import io.imgboard.preprocessor.imaging.ImagingUnavailableException;
import io.imgboard.preprocessor.storage.MissingObjectException;
import io.imgboard.preprocessor.storage.StorageUnavailableException;
import io.quarkus.logging.Log;

import java.io.IOException;
import java.time.Duration;

/** Retries storage and imaging calls that failed for a reason that may pass, with doubling waits. */
final class Retrier {
    private final int attempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    Retrier(PreprocessorConfig.Retry config) {
        this.attempts = Math.max(1, config.attempts());
        this.initialBackoff = config.initialBackoff();
        this.maxBackoff = config.maxBackoff();
    }

    @FunctionalInterface
    interface StorageCall<T> {
        T call() throws StorageUnavailableException, MissingObjectException;
    }

    int attempts() {
        return attempts;
    }

    <T> T call(String what, StorageCall<T> action) throws StorageUnavailableException, MissingObjectException {
        Duration backoff = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return action.call();
            } catch (StorageUnavailableException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                Log.warnf("%s failed (attempt %d of %d), trying again in %d ms: %s", what, attempt, attempts,
                        backoff.toMillis(), e.getMessage());
                pause(backoff, e);
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }

    @FunctionalInterface
    interface ImagingCall<T> {
        T call() throws ImageRefusedException, IOException;
    }

    /**
     * Runs the imaging core again while libvips fails for a reason of the machine
     * ({@link ImagingUnavailableException}: memory, a missing module); a refused photo is final.
     */
    <T> T imaging(String what, ImagingCall<T> action) throws ImageRefusedException, IOException {
        Duration backoff = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return action.call();
            } catch (ImagingUnavailableException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                Log.warnf("%s failed (attempt %d of %d), trying again in %d ms: %s", what, attempt, attempts,
                        backoff.toMillis(), e.getMessage());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }

    private static void pause(Duration backoff, StorageUnavailableException cause) throws StorageUnavailableException {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while waiting to retry: " + cause.getMessage(), cause);
        }
    }
}
