package io.imgboard.preprocessor.imaging;

/** One WebP rendition as produced: its actual size and its bytes (small: at most a few MB). */
public record EncodedRendition(String name, int width, int height, byte[] webp) {
}
