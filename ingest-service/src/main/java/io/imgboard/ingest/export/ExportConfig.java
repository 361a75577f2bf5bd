package io.imgboard.ingest.export;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where ingest may write exported photos, and how long it keeps trying when a part is down. */
@ConfigMapping(prefix = "imgboard.export")
public interface ExportConfig {

    /**
     * {@code IMGBOARD_EXPORT_ALLOWED_ROOTS}: {@code ;}-separated absolute folders an export folder may
     * lie in (or be). None by default: then only a folder source's own root takes exports.
     */
    Optional<String> allowedRoots();

    /** Attempts per request before a failure is reported as {@code written=false}. */
    @WithDefault("8")
    int maxAttempts();

    /** The pause after the first failed attempt; it doubles after each further one. */
    @WithDefault("1s")
    Duration firstPause();

    @WithDefault("30s")
    Duration maxPause();
}
