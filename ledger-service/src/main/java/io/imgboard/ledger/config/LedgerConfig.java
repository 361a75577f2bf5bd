package io.imgboard.ledger.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The ledger's own settings ({@code imgboard.ledger.*}). */
@ConfigMapping(prefix = "imgboard.ledger")
public interface LedgerConfig {

    Outbox outbox();

    Retry retry();

    Processing processing();

    Twins twins();

    /**
     * How long the ids of handled events are kept. A redelivery older than this (a consumer group
     * reset, say) is applied again, which is harmless: arrivals of known files only touch their
     * origin and results only rewrite the same state.
     */
    @WithDefault("P30D")
    Duration handledEventRetention();

    /** How often queued S3 deletions (renditions of deleted photos, unreferenced originals) are worked off. */
    @WithDefault("5s")
    Duration deletionInterval();

    /**
     * How long a deleted photo's stored originals wait before they are deleted. Its renditions go at once (frames
     * show those); the bytes wait so that a WebDAV client writing the same bytes again meanwhile (a re-sync, a file
     * deleted and put back) still finds them when the ledger reads that arrival, however far behind it is.
     */
    @WithDefault("1h")
    Duration originalDeletionDelay();

    interface Outbox {
        /**
         * A row whose send failed this many times for a reason that is not temporary (the record is
         * too large, say) is parked: no longer tried, no longer holding back its key, listed on
         * {@code GET /api/v1/outbox/parked} and replayable. A broker outage never parks a row.
         */
        @WithDefault("5")
        int maxAttempts();

        /** Rows sent per transaction; each batch waits for all its acknowledgements. */
        @WithDefault("50")
        int batchSize();

        /** The sweep for rows the after-commit trigger missed (e.g. the broker was down). */
        @WithDefault("1s")
        Duration sweepInterval();

        /** How long a batch waits for the broker's acknowledgements before trying again later. */
        @WithDefault("30s")
        Duration sendTimeout();

        /** Upper bound of the growing pause before a row whose send failed is tried again. */
        @WithDefault("60s")
        Duration maxBackoff();

        /** Sent rows are kept this long (for looking into what was sent), then deleted. */
        @WithDefault("24h")
        Duration retention();
    }

    /**
     * Consumed events whose transaction failed for a temporary reason (anything but a broken
     * contract) are applied again after a pause that doubles from the first to the maximum, for as
     * long as the service runs; nothing is dead-lettered for an outage.
     */
    interface Retry {
        /**
         * A record whose attempts fail this many times with an error that is not a temporary database
         * condition (a bug, a value the database refuses) goes to {@code imgboard.dead-letter} with the
         * error in its headers, and the partition moves on.
         */
        @WithDefault("5")
        int maxAttempts();

        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("30s")
        Duration maxBackoff();
    }

    /** Processing requests that go unanswered or fail for a temporary reason are asked again. */
    interface Processing {
        /** The first pause after a temporary failure; it doubles up to {@link #retryMaxBackoff()}. */
        @WithDefault("30s")
        Duration retryInitialBackoff();

        @WithDefault("30m")
        Duration retryMaxBackoff();

        /** Temporary failures for longer than this end in FAILED (with the last reason). */
        @WithDefault("24h")
        Duration maxRetryAge();

        /**
         * A request without any answer for this long is sent again (the preprocessor lost it), once the
         * preprocessors have read every request ({@link #preprocessorGroup()}): until then it may be queued.
         */
        @WithDefault("15m")
        Duration stuckAfter();

        /** The preprocessors' consumer group on imgboard.process-requests, whose backlog tells queued from lost. */
        @WithDefault("imgboard-preprocessor")
        String preprocessorGroup();

        /**
         * Photos of a reprocess job asked for at once; the next is asked for with each result. New
         * photos' requests share the topic, so this is about how many reprocess requests one of them
         * can find ahead of it. A few per preprocessor worker keeps every worker busy.
         */
        @WithDefault("8")
        int reprocessInFlight();

        /** How often the ledger looks for due retries and stuck requests. */
        @WithDefault("5s")
        Duration sweepInterval();
    }

    /** Near-duplicates: the same shot as another file (a HEIC and its JPEG). */
    interface Twins {
        /**
         * Largest Hamming distance between two 64-bit perceptual hashes that still counts as the same
         * shot. Up to 3 every candidate is found by the band index even without a capture time.
         */
        @WithDefault("3")
        int maxDistance();

        /** Capture times at most this far apart count as the same moment. */
        @WithDefault("2s")
        Duration captureWindow();
    }
}
