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
        String placeholder) implements ProcessingResult {

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
