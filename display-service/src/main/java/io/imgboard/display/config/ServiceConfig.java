package io.imgboard.display.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * {@code imgboard.service.token} ({@code IMGBOARD_SERVICE_TOKEN}): the credential the display sends
 * as {@code Authorization: Bearer} on the ledger's state-changing routes (reprocess, renditions).
 * Without it those calls are refused by the ledger, and the admin routes that need them say so.
 */
@ConfigMapping(prefix = "imgboard.service")
public interface ServiceConfig {
    Optional<String> token();
}
