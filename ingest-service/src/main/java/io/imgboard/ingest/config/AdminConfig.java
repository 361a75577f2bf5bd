package io.imgboard.ingest.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** Operator APIs (devices, sources, rejections). */
@ConfigMapping(prefix = "imgboard.admin")
public interface AdminConfig {

    /**
     * {@code IMGBOARD_ADMIN_TOKEN}, sent as {@code Authorization: Bearer}. No default outside the dev
     * and test profiles and no fallback to the upload token: without it the admin APIs refuse every
     * request (401) and say why. It is accepted for uploads too (the display forwards its admin's
     * drag-and-drop uploads with it).
     */
    Optional<String> token();
}
