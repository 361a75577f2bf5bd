package io.imgboard.preprocessor.imaging;

import io.imgboard.preprocessor.imaging.vips.FailOn;

/**
 * Limits and encoder settings of the {@link ImageProcessor}.
 *
 * @param maxPixels        refuse originals with more pixels than this (checked from the header, before decoding)
 * @param maxBytes         refuse originals larger than this many bytes
 * @param webpEffort       libwebp effort 0–6: the biggest speed lever (FIELD-NOTES: 2 costs ≈ 0.4× the CPU of 4 for ≈ +3 % bytes)
 * @param failOn           how strict decoding is; {@link FailOn#TRUNCATED} refuses truncated files
 * @param placeholderSize  the placeholder fits inside this square, in pixels
 * @param vipsConcurrency  threads libvips uses inside one image (process-wide)
 */
public record ImagingOptions(long maxPixels, long maxBytes, int webpEffort, FailOn failOn, int placeholderSize,
                             int vipsConcurrency) {
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    public static final int DEFAULT_WEBP_EFFORT = 2;
    public static final int DEFAULT_PLACEHOLDER_SIZE = 32;
    /**
     * libvips threads inside one image. Two, on two cores with two images in flight: in {@code bench
     * pipeline} (2026-12-03, two runs each way, alternating) a burst of 28 ended 7.2 s after it began
     * instead of 8.8 s (7.21–7.28 against 8.75–8.77), the preprocessor spent 700 ms of CPU a photo instead of 785, and a warm upload
     * was no slower (p50 0.69–0.73 s both ways).
     */
    public static final int DEFAULT_VIPS_CONCURRENCY = 2;

    public ImagingOptions {
        if (maxPixels < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("max-pixels and max-bytes must be positive");
        }
        if (webpEffort < 0 || webpEffort > 6) {
            throw new IllegalArgumentException("webp effort must be 0 to 6, was " + webpEffort);
        }
        if (placeholderSize < 4 || placeholderSize > 64) {
            throw new IllegalArgumentException("placeholder size must be 4 to 64 px, was " + placeholderSize);
        }
        if (vipsConcurrency < 1) {
            throw new IllegalArgumentException("libvips concurrency must be at least 1, was " + vipsConcurrency);
        }
        if (failOn == null) {
            throw new IllegalArgumentException("fail-on must be set");
        }
    }

    public static ImagingOptions defaults() {
        return new ImagingOptions(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES, DEFAULT_WEBP_EFFORT, FailOn.TRUNCATED,
                DEFAULT_PLACEHOLDER_SIZE, DEFAULT_VIPS_CONCURRENCY);
    }

    public ImagingOptions withWebpEffort(int effort) {
        return new ImagingOptions(maxPixels, maxBytes, effort, failOn, placeholderSize, vipsConcurrency);
    }
}
