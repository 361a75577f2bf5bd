package io.imgboard.preprocessor.imaging;

import java.time.Instant;
import java.util.List;

/**
 * Everything one decode of an original produced.
 *
 * @param format         what the original is
 * @param width          the original's width once upright (EXIF orientation applied)
 * @param height         the original's height once upright
 * @param capture        capture time and camera, or null when the file says nothing
 * @param perceptualHash 64-bit DCT hash of the upright image, 16 lowercase hex digits
 * @param placeholder    a tiny WebP as a {@code data:image/webp;base64,} URI
 * @param renditions     in the order they were asked for
 * @param resizedAt      when decoding and resizing were done and encoding began
 */
public record ProcessedImage(ImageFormat format, int width, int height, CaptureInfo capture, String perceptualHash,
                             String placeholder, List<EncodedRendition> renditions, Instant resizedAt) {
}
