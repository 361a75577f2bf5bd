package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.DoubleByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of the libvips 8.14 C API this service uses. Variadic functions take their optional
 * arguments as name/value pairs and a terminating {@code null}; booleans and enums are passed as
 * {@code int}. {@code size_t} is mapped to {@link NativeLong} (the same width on Linux).
 */
interface LibVips extends Library {

    int vips_init(String argv0);

    String vips_version_string();

    void vips_cache_set_max(int max);

    void vips_cache_set_max_mem(NativeLong max);

    void vips_cache_set_max_files(int max);

    void vips_concurrency_set(int concurrency);

    int vips_concurrency_get();

    /** 8.13+: refuse loaders libvips marks untrusted (we name our loaders explicitly anyway). */
    void vips_block_untrusted_set(int state);

    void vips_error_clear();

    /** A copy of the error buffer (free with g_free); also clears it. */
    Pointer vips_error_buffer_copy();

    // Loaders: file and memory variants of each format we accept.

    int vips_jpegload(String filename, PointerByReference out, Object... options);

    int vips_jpegload_buffer(Pointer buf, NativeLong len, PointerByReference out, Object... options);

    int vips_pngload(String filename, PointerByReference out, Object... options);

    int vips_pngload_buffer(Pointer buf, NativeLong len, PointerByReference out, Object... options);

    int vips_heifload(String filename, PointerByReference out, Object... options);

    int vips_heifload_buffer(Pointer buf, NativeLong len, PointerByReference out, Object... options);

    int vips_webpload(String filename, PointerByReference out, Object... options);

    int vips_webpload_buffer(Pointer buf, NativeLong len, PointerByReference out, Object... options);

    int vips_tiffload(String filename, PointerByReference out, Object... options);

    int vips_tiffload_buffer(Pointer buf, NativeLong len, PointerByReference out, Object... options);

    int vips_gifload(String filename, PointerByReference out, Object... options);

    int vips_gifload_buffer(Pointer buf, NativeLong len, PointerByReference out, Object... options);

    // Header and metadata.

    int vips_image_get_width(Pointer image);

    int vips_image_get_height(Pointer image);

    int vips_image_get_bands(Pointer image);

    int vips_image_get_format(Pointer image);

    int vips_image_get_interpretation(Pointer image);

    int vips_image_hasalpha(Pointer image);

    /** The GType of a metadata field, 0 when the image has no such field. */
    NativeLong vips_image_get_typeof(Pointer image, String name);

    int vips_image_get_int(Pointer image, String name, IntByReference out);

    /** Any field as text; free the result with g_free. */
    int vips_image_get_as_string(Pointer image, String name, PointerByReference out);

    /** NULL-terminated array of field names; free with g_strfreev. */
    Pointer vips_image_get_fields(Pointer image);

    int vips_image_remove(Pointer image, String name);

    /** A blob field; {@code data} stays owned by the image. */
    int vips_image_get_blob(Pointer image, String name, PointerByReference data, NativeLongByReference length);

    int vips_image_get_double(Pointer image, String name, DoubleByReference out);

    void vips_image_set_blob_copy(Pointer image, String name, Pointer data, NativeLong length);

    void vips_image_set_int(Pointer image, String name, int value);

    void vips_image_set_double(Pointer image, String name, double value);

    void vips_image_set_string(Pointer image, String name, String value);

    /** A new image holding a copy of packed pixels. */
    Pointer vips_image_new_from_memory_copy(Pointer data, NativeLong size, int width, int height, int bands,
            int format);

    // Operations.

    int vips_copy(Pointer in, PointerByReference out, Object... options);

    Pointer vips_image_copy_memory(Pointer image);

    int vips_autorot(Pointer in, PointerByReference out, Object... options);

    int vips_icc_transform(Pointer in, PointerByReference out, String outputProfile, Object... options);

    int vips_colourspace(Pointer in, PointerByReference out, int space, Object... options);

    int vips_cast(Pointer in, PointerByReference out, int format, Object... options);

    int vips_resize(Pointer in, PointerByReference out, double scale, Object... options);

    int vips_extract_band(Pointer in, PointerByReference out, int band, Object... options);

    int vips_extract_area(Pointer in, PointerByReference out, int left, int top, int width, int height,
            Object... options);

    // Savers.

    int vips_webpsave_buffer(Pointer in, PointerByReference buf, NativeLongByReference len, Object... options);

    /** Renders the image into a new g_malloc'ed buffer of packed pixels. */
    Pointer vips_image_write_to_memory(Pointer in, NativeLongByReference size);

    // Rendering on the calling thread, a band of rows at a time.

    /** A region on {@code image} (a GObject: g_object_unref it). */
    Pointer vips_region_new(Pointer image);

    /** Computes an area on the calling thread and returns a g_malloc'ed copy of its packed pixels, NULL on failure. */
    Pointer vips_region_fetch(Pointer region, int left, int top, int width, int height, NativeLongByReference len);

    /** An empty image in memory, to be written line by line. */
    Pointer vips_image_new_memory();

    /** Gives {@code image} the header and metadata of the NULL-terminated input images. */
    int vips_image_pipelinev(Pointer image, int demandStyle, Object... inputs);

    /** Allocates a memory image's pixels (8.14's vips_image_write_line does not check that it could). */
    int vips_image_write_prepare(Pointer image);

    /** Writes one line of packed pixels into a prepared image; the last one completes the image. */
    int vips_image_write_line(Pointer image, int y, Pointer line);
}
