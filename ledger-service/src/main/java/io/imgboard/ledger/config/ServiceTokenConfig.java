package io.imgboard.ledger.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * The credential other img-board services send on the ledger's state-changing routes
 * ({@code Authorization: Bearer <token>}). No default outside the dev and test profiles:
 * {@link StartupCheck} refuses to start without one.
 */
@ConfigMapping(prefix = "imgboard.service")
public interface ServiceTokenConfig {
    int MIN_LENGTH = 16;

    /** {@code IMGBOARD_SERVICE_TOKEN}. */
    Optional<String> token();
}
