package io.imgboard.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Renditions of a photo are stored.
 *
 * @param width          the original's width after EXIF orientation (upright)
 * @param height         the original's height after EXIF orientation (upright)
 * @param format         the original's format as decoded, e.g. {@code jpeg}, {@code heif}
 * @param capture        what the photo's EXIF says about when and with what it was taken
 * @param perceptualHash 64-bit perceptual hash of the upright image, 16 lowercase hex digits
 * @param placeholder    a tiny image for frames to show while the real one loads (data URI), or null
 * @param pending        names of the asked-for renditions not in this result yet: an early answer with
 *                       the frames' rendition first, so a photo reaches the frames before its larger
 *                       and smaller renditions are made; another PhotoProcessed answering the same
 *                       request brings them all. Null or empty: the result is complete (added later,
 *                       so older results have none).
 */
public record PhotoProcessed(
        UUID eventId,
        Instant occurredAt,
        UUID photoId,
        UUID requestId,
        List<Rendition> renditions,
        int width,
        int height,
        String format,
        Capture capture,
        String perceptualHash,
        String placeholder,
        List<String> pending) implements ProcessingResult {

    /** A complete result: every rendition asked for. */
    public PhotoProcessed(UUID eventId, Instant occurredAt, UUID photoId, UUID requestId, List<Rendition> renditions,
                          int width, int height, String format, Capture capture, String perceptualHash,
                          String placeholder) {
        this(eventId, occurredAt, photoId, requestId, renditions, width, height, format, capture, perceptualHash,
                placeholder, null);
    }

    /**
     * What the photo says about how it was taken. Any field may be null.
     *
     * @param capturedAt  DateTimeOriginal as an instant, when an offset is known or assumed UTC
     * @param localTime   DateTimeOriginal as written, {@code yyyy-MM-ddTHH:mm:ss}
     * @param offset      OffsetTimeOriginal, e.g. {@code +02:00}
     */
    public record Capture(Instant capturedAt, String localTime, String offset, String cameraMake, String cameraModel) {
    }
}
