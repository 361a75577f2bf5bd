package io.imgboard.ledger.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The ledger's own settings ({@code imgboard.ledger.*}). */
@ConfigMapping(prefix = "imgboard.ledger")
public interface LedgerConfig {

    Outbox outbox();

    Retry retry();

    /**
     * How long the ids of handled events are kept. A redelivery older than this (a consumer group
     * reset, say) is applied again, which is harmless: arrivals of known files only touch their
     * origin and results only rewrite the same state.
     */
    @WithDefault("P30D")
    Duration handledEventRetention();

    interface Outbox {
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
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("30s")
        Duration maxBackoff();
    }
}
