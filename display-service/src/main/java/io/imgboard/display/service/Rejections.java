package io.imgboard.display.service;

import java.util.List;

/**
 * Recent upload rejections for the admin page.
 *
 * @param configured false when no admin token is configured, so ingest cannot be asked
 */
public record Rejections(boolean configured, List<IngestRejection> rejections) {
    static Rejections notConfigured() {
        return new Rejections(false, List.of());
    }
}
