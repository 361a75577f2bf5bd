package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The libvips loaders this service uses, named explicitly: libvips never guesses a loader for us,
 * so a file that merely claims to be a JPEG cannot reach, say, the SVG or PDF loader.
 */
public enum Loader {
    JPEG("vips_jpegload", true),
    PNG("vips_pngload", false),
    /** HEIC and HEIF (libheif; HEVC inside). */
    HEIF("vips_heifload", false),
    /** AVIF (libheif; AV1 inside, which libvips 8.18's own build decodes too). */
    AVIF("vips_heifload", false),
    WEBP("vips_webpload", false),
    TIFF("vips_tiffload", false),
    /** Only the first frame of an animation is loaded. */
    GIF("vips_gifload", false);

    private final String function;
    private final boolean shrinksOnLoad;

    Loader(String function, boolean shrinksOnLoad) {
        this.function = function;
        this.shrinksOnLoad = shrinksOnLoad;
    }

    /** True when the loader can decode at 1/2, 1/4 or 1/8 size ({@code shrink}). */
    public boolean shrinksOnLoad() {
        return shrinksOnLoad;
    }

    String function() {
        return function;
    }

    int loadFile(LibVips vips, String file, PointerByReference out, Object[] options) {
        return switch (this) {
            case JPEG -> vips.vips_jpegload(file, out, options);
            case PNG -> vips.vips_pngload(file, out, options);
            case HEIF, AVIF -> vips.vips_heifload(file, out, options);
            case WEBP -> vips.vips_webpload(file, out, options);
            case TIFF -> vips.vips_tiffload(file, out, options);
            case GIF -> vips.vips_gifload(file, out, options);
        };
    }

    int loadBuffer(LibVips vips, Pointer buf, NativeLong len, PointerByReference out, Object[] options) {
        return switch (this) {
            case JPEG -> vips.vips_jpegload_buffer(buf, len, out, options);
            case PNG -> vips.vips_pngload_buffer(buf, len, out, options);
            case HEIF, AVIF -> vips.vips_heifload_buffer(buf, len, out, options);
            case WEBP -> vips.vips_webpload_buffer(buf, len, out, options);
            case TIFF -> vips.vips_tiffload_buffer(buf, len, out, options);
            case GIF -> vips.vips_gifload_buffer(buf, len, out, options);
        };
    }
}
