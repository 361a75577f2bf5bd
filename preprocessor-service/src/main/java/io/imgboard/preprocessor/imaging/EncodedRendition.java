package io.imgboard.preprocessor.imaging;

import java.time.Instant;

/**
 * One WebP rendition as produced: its actual size and its bytes (small: at most a few MB), and
 * when its encoding started and finished (the preprocessor logs them per photo).
 */
public record EncodedRendition(String name, int width, int height, byte[] webp, Instant startedAt, Instant finishedAt) {
}
