package io.imgboard.display.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** {@code imgboard.ops.*}: how often the ops page's figures are gathered, and where the supervisor's status is. */
@ConfigMapping(prefix = "imgboard.ops")
public interface OpsConfig {

    /** How often the neighbours' {@code /q/metrics} are read for the throughput plot (its finest step). */
    @WithDefault("5s")
    Duration scrapeInterval();

    /** How long a consumer-lag answer is reused; the Admin client's round trips cost the broker too. */
    @WithDefault("5s")
    Duration lagCacheFor();

    /** How often lag and the dead-letter count are refreshed for {@code /q/metrics} when no page asks. */
    @WithDefault("15s")
    Duration refreshInterval();

    /**
     * {@code IMGBOARD_STATUS_FILE}: the {@code run/status.json} that {@code ./imgboard up}'s supervisor
     * writes (restarts, last exit). Absent: the services are not supervised by it.
     */
    Optional<String> statusFile();
}
