package io.imgboard.ledger.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A photo as other services and people see it (the body of {@code GET /api/v1/photos/...}). A twin's
 * content answers with the photo it joined; its origins are listed with the photo's.
 *
 * @param id         the same as {@code photoId}
 * @param status     processing: PENDING, READY or FAILED
 * @param state      what a person sees: DELETED, RETIRED, HIDDEN, else the status
 * @param capturedAt when it was taken according to its metadata, or null when it does not say
 * @param capturedLocal the camera's own wall-clock time of it ({@code 2019-07-04T00:30:00}), the day a person
 *                   means wherever the page is read; null without {@code capturedAt}
 * @param fileModifiedAt the file's own time when it arrived, or null; without {@code capturedAt} it is the
 *                   date frames show and date filters go by ({@link Catalog})
 */
public record PhotoDetails(
        UUID photoId,
        UUID id,
        String sha256,
        String name,
        String status,
        String state,
        boolean hidden,
        Instant retiredAt,
        Instant deletedAt,
        String failureReason,
        Boolean failurePermanent,
        Instant nextRetryAt,
        List<OriginView> origins,
        List<TwinView> twins,
        List<RenditionView> renditions,
        Integer width,
        Integer height,
        Instant capturedAt,
        String capturedLocal,
        Instant fileModifiedAt,
        String format,
        String contentType,
        long size,
        String cameraMake,
        String cameraModel,
        String perceptualHash,
        Instant createdAt,
        Instant updatedAt) {

    /** @param sha256 the content this place holds (a twin's, or the photo's own) */
    public record OriginView(String sourceId, String path, String name, String deviceId, String sha256,
                             Instant firstSeenAt, Instant lastSeenAt) {
    }

    /** Other content found to be the same shot; {@code rendered}: the photo is rendered from it. */
    public record TwinView(UUID twinId, String sha256, Integer width, Integer height, String format, boolean rendered) {
    }

    public record RenditionView(String name, String key, int width, int height, long bytes) {
    }
}
