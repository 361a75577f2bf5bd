package io.imgboard.display.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * {@code imgboard.admin.token} ({@code IMGBOARD_ADMIN_TOKEN}): the bearer token the admin and ops
 * APIs ({@code /api/v1/admin/*}, {@code /api/v1/ops/*}) require. When it is not set the upload
 * token ({@code imgboard.upload.token}) is used instead; with neither those APIs answer 503.
 */
@ConfigMapping(prefix = "imgboard.admin")
public interface AdminConfig {
    Optional<String> token();
}
