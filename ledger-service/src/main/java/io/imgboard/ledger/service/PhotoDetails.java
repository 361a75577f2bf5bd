package io.imgboard.ledger.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A photo as other services and people see it (the body of {@code GET /api/v1/photos/...}).
 *
 * @param capturedAt when it was taken according to its metadata, or null when it does not say
 */
public record PhotoDetails(
        UUID photoId,
        String sha256,
        String status,
        String failureReason,
        Boolean failurePermanent,
        List<OriginView> origins,
        List<RenditionView> renditions,
        Integer width,
        Integer height,
        Instant capturedAt,
        String format,
        String contentType,
        long size,
        String cameraMake,
        String cameraModel,
        String perceptualHash,
        Instant createdAt,
        Instant updatedAt) {

    public record OriginView(String sourceId, String path, String name, Instant firstSeenAt, Instant lastSeenAt) {
    }

    public record RenditionView(String name, String key, int width, int height, long bytes) {
    }
}
