package io.imgboard.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A photo frames may show, with everything a frame needs. Keyed by photo id on the compacted
 * {@link Topics#CATALOG}; the latest record per photo wins and a null value retires it (retired,
 * hidden or deleted: frames drop it at once).
 *
 * @param name       the photo's file name as first seen, fixed for the photo's life (frames derive
 *                   stable labels and img-board file names from it); null from older producers
 * @param arrivedAt  when the ledger first recorded the photo (order "by arrival")
 * @param sourceIds  every source the photo has an origin in ({@code folder:nas}, {@code upload:api}, …)
 * @param deviceIds  every device token it came through
 * @param capturedLocal the camera's own clock when it took the photo ({@code yyyy-MM-ddTHH:mm:ss}, EXIF
 *                   DateTimeOriginal as written): the day a frame shows, wherever the frame hangs; null
 *                   when unknown, and when {@code capturedAt} is the file's time rather than the camera's
 */
public record PhotoPublished(
        UUID eventId,
        Instant occurredAt,
        UUID photoId,
        String sha256,
        List<Rendition> renditions,
        int width,
        int height,
        Instant capturedAt,
        String placeholder,
        String name,
        Instant arrivedAt,
        List<String> sourceIds,
        List<String> deviceIds,
        String capturedLocal) {

    /** The fields before {@code capturedLocal}. */
    public PhotoPublished(UUID eventId, Instant occurredAt, UUID photoId, String sha256, List<Rendition> renditions,
                          int width, int height, Instant capturedAt, String placeholder, String name, Instant arrivedAt,
                          List<String> sourceIds, List<String> deviceIds) {
        this(eventId, occurredAt, photoId, sha256, renditions, width, height, capturedAt, placeholder, name, arrivedAt,
                sourceIds, deviceIds, null);
    }

    /** The fields of the first version. */
    public PhotoPublished(UUID eventId, Instant occurredAt, UUID photoId, String sha256, List<Rendition> renditions,
                          int width, int height, Instant capturedAt, String placeholder) {
        this(eventId, occurredAt, photoId, sha256, renditions, width, height, capturedAt, placeholder, null, null,
                null, null);
    }
}
