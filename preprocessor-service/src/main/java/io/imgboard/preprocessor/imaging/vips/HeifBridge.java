package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.DoubleByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;

import java.util.Set;

/**
 * HEIC/HEIF beside a self-contained libvips whose libheif cannot decode HEVC ({@link Vips}): Debian's libvips decodes the file whole, as its loader does anyway, and
 * its pixels and metadata (ICC profile, EXIF and its parsed fields, but no orientation: libheif has
 * applied the HEIF's own) are copied into an
 * image of the libvips in use, which does everything after. Nothing is written to disk. One file at
 * a time: Debian's libvips has its own error buffer, and this class keeps it to one caller; the decode
 * runs on Debian's libvips threads, not paced (a HEIC's decode is whole in any case). A photo briefly
 * exists three times (libheif's, the packed copy, the new image): 900 MB for 100 MP.
 */
final class HeifBridge {
    /** Header fields every image has; the new image gets them from its pixels. */
    private static final Set<String> BUILT_IN = Set.of("width", "height", "bands", "format", "coding",
            "interpretation", "xoffset", "yoffset", "xres", "yres", "filename");

    private HeifBridge() {
    }

    /** A load by the other libvips; {@code out} receives the image. */
    @FunctionalInterface
    interface Load {
        int invoke(LibVips vips, PointerByReference out);
    }

    /**
     * Decodes with Debian's libvips and returns the image in the libvips in use; a failure is a
     * {@link VipsException} with Debian's libvips' words, named after {@code operation}, and a header
     * of more than {@code maxPixels} a {@link TooManyPixelsException} before anything is decoded.
     */
    static synchronized VipsImage open(String operation, Load load, long maxPixels) {
        Vips.Natives debian = Vips.system();
        LibVips vips = debian.vips();
        vips.vips_error_clear();
        PointerByReference out = new PointerByReference();
        if (load.invoke(vips, out) != 0 || out.getValue() == null) {
            throw new VipsException(operation, Vips.errorText(vips, debian.glib()));
        }
        Pointer image = out.getValue();
        try {
            // Only the header is read so far: refuse a photo too large before decoding it.
            int width = vips.vips_image_get_width(image);
            int height = vips.vips_image_get_height(image);
            if ((long) width * height > maxPixels) {
                throw new TooManyPixelsException(width, height);
            }
            NativeLongByReference size = new NativeLongByReference();
            Pointer pixels = vips.vips_image_write_to_memory(image, size);
            if (pixels == null) {
                throw new VipsException(operation, Vips.errorText(vips, debian.glib()));
            }
            Pointer copy;
            try {
                copy = VipsImage.fromMemory(operation, pixels, size.getValue(), width, height,
                        vips.vips_image_get_bands(image), vips.vips_image_get_format(image));
            } finally {
                debian.glib().g_free(pixels);
            }
            try {
                copyFields(debian, image, copy);
                // libheif has already turned the pixels by the HEIF's own transforms (irot, imir), which
                // HEIF puts above EXIF's Orientation; libvips' loader drops that tag for this reason. But
                // the EXIF copied here gives the new image an orientation again (Debian's 8.14 also
                // reports it after a whole decode), which turned every iPhone photo a second time.
                Vips.natives().vips().vips_image_remove(copy, "orientation");
            } catch (RuntimeException | Error e) {
                Vips.natives().gobject().g_object_unref(copy);
                throw e;
            }
            return VipsImage.adopt(copy, vips.vips_image_get_interpretation(image));
        } finally {
            debian.gobject().g_object_unref(image);
        }
    }

    /** The metadata of {@code from} (Debian's) onto {@code to} (the libvips in use): ints, doubles, text and blobs. */
    private static void copyFields(Vips.Natives debian, Pointer from, Pointer to) {
        LibVips source = debian.vips();
        LibVips target = Vips.natives().vips();
        Pointer names = source.vips_image_get_fields(from);
        if (names == null) {
            return;
        }
        try {
            for (String name : names.getStringArray(0)) {
                if (BUILT_IN.contains(name)) {
                    continue;
                }
                String type = debian.gobject().g_type_name(source.vips_image_get_typeof(from, name));
                if (type == null) {
                    continue;
                }
                switch (type) {
                    case "gint" -> {
                        IntByReference value = new IntByReference();
                        if (source.vips_image_get_int(from, name, value) == 0) {
                            target.vips_image_set_int(to, name, value.getValue());
                        }
                    }
                    case "gdouble" -> {
                        DoubleByReference value = new DoubleByReference();
                        if (source.vips_image_get_double(from, name, value) == 0) {
                            target.vips_image_set_double(to, name, value.getValue());
                        }
                    }
                    case "VipsBlob" -> {
                        PointerByReference data = new PointerByReference();
                        NativeLongByReference length = new NativeLongByReference();
                        if (source.vips_image_get_blob(from, name, data, length) == 0 && data.getValue() != null) {
                            target.vips_image_set_blob_copy(to, name, data.getValue(), length.getValue());
                        }
                    }
                    case "gchararray", "VipsRefString" -> {
                        PointerByReference text = new PointerByReference();
                        if (source.vips_image_get_as_string(from, name, text) == 0 && text.getValue() != null) {
                            try {
                                target.vips_image_set_string(to, name, text.getValue().getString(0));
                            } finally {
                                debian.glib().g_free(text.getValue());
                            }
                        }
                    }
                    default -> {
                        // nothing the core reads (heif-primary and the like are ints or text)
                    }
                }
            }
            source.vips_error_clear(); // a field that could not be read is no failure of the photo
        } finally {
            debian.glib().g_strfreev(names);
        }
    }

}
