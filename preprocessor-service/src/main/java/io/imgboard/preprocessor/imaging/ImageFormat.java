package io.imgboard.preprocessor.imaging;

import io.imgboard.preprocessor.imaging.vips.Loader;

/** The formats accepted as originals, recognised by their magic bytes. */
public enum ImageFormat {
    JPEG("jpeg", "JPEG", Loader.JPEG),
    PNG("png", "PNG", Loader.PNG),
    HEIF("heif", "HEIC/HEIF", Loader.HEIF),
    AVIF("avif", "AVIF", Loader.AVIF),
    WEBP("webp", "WebP", Loader.WEBP),
    TIFF("tiff", "TIFF", Loader.TIFF),
    GIF("gif", "GIF", Loader.GIF);

    private final String id;
    private final String label;
    private final Loader loader;

    ImageFormat(String id, String label, Loader loader) {
        this.id = id;
        this.label = label;
        this.loader = loader;
    }

    /** Lowercase name used in events, e.g. {@code jpeg}, {@code heif}. */
    public String id() {
        return id;
    }

    /** Name for people, e.g. {@code HEIC/HEIF}. */
    public String label() {
        return label;
    }

    Loader loader() {
        return loader;
    }
}
