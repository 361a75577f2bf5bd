package io.imgboard.preprocessor.imaging;

import java.time.Instant;

/**
 * What the photo's EXIF says about how it was taken; any field may be null. Nothing about where:
 * GPS is never read.
 *
 * @param capturedAt DateTimeOriginal with OffsetTimeOriginal; without an offset the time is taken as UTC
 * @param localTime  DateTimeOriginal as written, {@code yyyy-MM-ddTHH:mm:ss}
 * @param offset     OffsetTimeOriginal, e.g. {@code +02:00}
 */
public record CaptureInfo(Instant capturedAt, String localTime, String offset, String cameraMake, String cameraModel) {

    public boolean isEmpty() {
        return capturedAt == null && localTime == null && offset == null && cameraMake == null && cameraModel == null;
    }
}
