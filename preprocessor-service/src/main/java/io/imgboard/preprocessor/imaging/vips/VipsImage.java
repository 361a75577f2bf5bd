package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One libvips image handle. Close it (try-with-resources): that drops our reference with
 * {@code g_object_unref}. Every operation returns a new handle the caller owns; libvips keeps its
 * own references from a result to its inputs, so closing an input early is safe.
 *
 * <p>Each call follows the same steps: mark the call in flight (which clears the process-wide
 * error buffer when no other call is running), call, check — on failure copy and clear the buffer
 * under {@link Vips}' error lock — and take ownership of the result. Error texts are best-effort
 * when two workers fail at once (see {@link Vips}). An image loaded from {@link NativeBytes} holds a reference to them, and so does every
 * image derived from it, so the bytes outlive every pixel libvips may still read from them.
 */
public final class VipsImage implements AutoCloseable {
    private static final int FORMAT_UCHAR = 0;
    private static final int INTERPRETATION_CMYK = 15;
    private static final int DEMAND_THINSTRIP = 2;
    /** Pixels in one band of rows rendered on the calling thread: a few ms of decoding or resizing. */
    private static final int BAND_PIXELS = 1 << 18;

    private final Pointer handle;
    private final NativeBytes source;
    private boolean closed;

    private VipsImage(Pointer handle, NativeBytes source) {
        if (handle == null) {
            throw new IllegalStateException("libvips returned no image");
        }
        if (source != null) {
            source.retain();
        }
        this.handle = handle;
        this.source = source;
    }

    /** Colour spaces used here ({@code VipsInterpretation} values). */
    public enum Space {
        SRGB(22), B_W(1);

        final int value;

        Space(int value) {
            this.value = value;
        }
    }

    @FunctionalInterface
    private interface Call {
        int invoke(LibVips vips, PointerByReference out);
    }

    /**
     * Opens a file. Only the header is read now; pixels are decoded when something needs them (a
     * HEIC beside a self-contained libvips is decoded whole now, see {@link HeifBridge}).
     */
    public static VipsImage open(Loader loader, Path file, LoadOptions options) {
        String name = file.toAbsolutePath().toString();
        if (loader == Loader.HEIF && Vips.heifElsewhere()) {
            return HeifBridge.open(loader.function(), (vips, out) -> loader.loadFile(vips, name, out,
                    options.varargs(loader)), options.maxPixels());
        }
        return create(loader.function(), null,
                (vips, out) -> loader.loadFile(vips, name, out, options.varargs(loader)));
    }

    /** Opens encoded bytes held in native memory; the image keeps them alive. */
    public static VipsImage open(Loader loader, NativeBytes bytes, LoadOptions options) {
        if (loader == Loader.HEIF && Vips.heifElsewhere()) {
            return HeifBridge.open(loader.function() + "_buffer", (vips, out) -> loader.loadBuffer(vips,
                    bytes.pointer(), new NativeLong(bytes.size()), out, options.varargs(loader)), options.maxPixels());
        }
        return create(loader.function() + "_buffer", bytes,
                (vips, out) -> loader.loadBuffer(vips, bytes.pointer(), new NativeLong(bytes.size()), out,
                        options.varargs(loader)));
    }

    /**
     * A new image of the libvips in use holding a copy of packed pixels; the caller owns the handle
     * ({@link #adopt(Pointer, int)}).
     */
    static Pointer fromMemory(String operation, Pointer pixels, NativeLong size, int width, int height, int bands,
                              int format) {
        Vips.beginCall();
        try {
            Pointer image = Vips.natives().vips().vips_image_new_from_memory_copy(pixels, size, width, height, bands,
                    format);
            if (image == null) {
                throw Vips.failure(operation);
            }
            return image;
        } finally {
            Vips.endCall();
        }
    }

    /** Takes ownership of a handle of the libvips in use, and gives the image {@code interpretation}. */
    static VipsImage adopt(Pointer handle, int interpretation) {
        VipsImage image = new VipsImage(handle, null);
        if (Vips.natives().vips().vips_image_get_interpretation(handle) == interpretation) {
            return image;
        }
        try (image) {
            return image.derive("vips_copy", (vips, out) -> vips.vips_copy(image.handle(), out,
                    "interpretation", interpretation, null));
        }
    }

    private static VipsImage create(String operation, NativeBytes source, Call call) {
        LibVips vips = Vips.natives().vips();
        PointerByReference out = new PointerByReference();
        Vips.beginCall();
        try {
            if (call.invoke(vips, out) != 0 || out.getValue() == null) {
                throw Vips.failure(operation);
            }
        } finally {
            Vips.endCall();
        }
        return new VipsImage(out.getValue(), source);
    }

    private VipsImage derive(String operation, Call call) {
        return create(operation, source, call);
    }

    private Pointer handle() {
        if (closed) {
            throw new IllegalStateException("image already closed");
        }
        return handle;
    }

    // Header.

    public int width() {
        return Vips.natives().vips().vips_image_get_width(handle());
    }

    public int height() {
        return Vips.natives().vips().vips_image_get_height(handle());
    }

    public int bands() {
        return Vips.natives().vips().vips_image_get_bands(handle());
    }

    public boolean hasAlpha() {
        return Vips.natives().vips().vips_image_hasalpha(handle()) != 0;
    }

    /** Bytes one sample takes in memory (1 for 8-bit, 2 for 16-bit, ...), from the band format. */
    public int bytesPerSample() {
        return switch (Vips.natives().vips().vips_image_get_format(handle())) {
            case 0, 1 -> 1;         // uchar, char
            case 2, 3 -> 2;         // ushort, short
            case 4, 5, 6 -> 4;      // uint, int, float
            case 7, 8 -> 8;         // complex, double
            default -> 16;          // dpcomplex
        };
    }

    /** True for 8-bit unsigned samples. */
    public boolean isUchar() {
        return Vips.natives().vips().vips_image_get_format(handle()) == FORMAT_UCHAR;
    }

    public boolean isCmyk() {
        return Vips.natives().vips().vips_image_get_interpretation(handle()) == INTERPRETATION_CMYK;
    }

    public boolean hasField(String name) {
        return Vips.natives().vips().vips_image_get_typeof(handle(), name).longValue() != 0;
    }

    public boolean hasIccProfile() {
        return hasField("icc-profile-data");
    }

    /** An integer field such as {@code orientation}. */
    public Optional<Integer> intField(String name) {
        if (!hasField(name)) {
            return Optional.empty();
        }
        IntByReference value = new IntByReference();
        Vips.beginCall();
        try {
            if (Vips.natives().vips().vips_image_get_int(handle(), name, value) != 0) {
                Vips.discardFailure();
                return Optional.empty();
            }
        } finally {
            Vips.endCall();
        }
        return Optional.of(value.getValue());
    }

    /** EXIF orientation 1–8 as libvips read it; 1 when there is none or it is out of range. */
    public int orientation() {
        int value = intField("orientation").orElse(1);
        return value >= 1 && value <= 8 ? value : 1;
    }

    /**
     * Any field as libvips prints it. EXIF fields look like
     * {@code Apple (Apple, ASCII, 6 components, 6 bytes)}.
     */
    public Optional<String> text(String name) {
        if (!hasField(name)) {
            return Optional.empty();
        }
        Vips.Natives n = Vips.natives();
        PointerByReference out = new PointerByReference();
        Vips.beginCall();
        try {
            if (n.vips().vips_image_get_as_string(handle(), name, out) != 0 || out.getValue() == null) {
                Vips.discardFailure();
                return Optional.empty();
            }
        } finally {
            Vips.endCall();
        }
        try {
            return Optional.of(out.getValue().getString(0));
        } finally {
            n.glib().g_free(out.getValue());
        }
    }

    /** Every field name, the built-in ones (width, height, …) included. */
    public List<String> fieldNames() {
        Vips.Natives n = Vips.natives();
        Pointer names = n.vips().vips_image_get_fields(handle());
        if (names == null) {
            return List.of();
        }
        try {
            return List.of(names.getStringArray(0));
        } finally {
            n.glib().g_strfreev(names);
        }
    }

    // Operations: each returns a new image the caller must close.

    /** A new handle on the same pixels (cheap: nothing is copied). */
    public VipsImage copy() {
        Pointer in = handle();
        return derive("vips_copy", (vips, out) -> vips.vips_copy(in, out, (Object) null));
    }

    /** Embedded profile (or the default for the colour space) to sRGB, 8 bits per sample. */
    public VipsImage iccToSrgb() {
        Pointer in = handle();
        return derive("vips_icc_transform",
                (vips, out) -> vips.vips_icc_transform(in, out, "srgb", "embedded", 1, "depth", 8, null));
    }

    /** From a named built-in input profile ({@code srgb}, {@code cmyk}, {@code p3}) to sRGB, ignoring any embedded one. */
    public VipsImage iccToSrgbFrom(String inputProfile) {
        Pointer in = handle();
        return derive("vips_icc_transform",
                (vips, out) -> vips.vips_icc_transform(in, out, "srgb", "input_profile", inputProfile,
                        "depth", 8, null));
    }

    public VipsImage colourspace(Space space) {
        Pointer in = handle();
        return derive("vips_colourspace", (vips, out) -> vips.vips_colourspace(in, out, space.value, (Object) null));
    }

    public VipsImage castToUchar() {
        Pointer in = handle();
        return derive("vips_cast", (vips, out) -> vips.vips_cast(in, out, FORMAT_UCHAR, (Object) null));
    }

    /**
     * Renders the whole image into memory now. Decode errors (a truncated file, with
     * {@link FailOn#TRUNCATED}) surface here rather than as grey pixels later.
     */
    public VipsImage copyMemory() {
        Pointer in = handle();
        return derive("vips_image_copy_memory", (vips, out) -> {
            Pointer copy = vips.vips_image_copy_memory(in);
            out.setValue(copy);
            return copy == null ? -1 : 0;
        });
    }

    /**
     * As {@link #copyMemory()}, but rendered on the calling thread, a band of rows at a time, with
     * {@code between} run before each band (a few ms of work each): work that can wait, computed at
     * the calling thread's priority and held between bands. libvips' own worker threads are not used.
     */
    public VipsImage copyMemory(Runnable between) {
        Pointer in = handle();
        VipsImage out = derive("vips_image_new_memory", (vips, image) -> {
            Pointer memory = vips.vips_image_new_memory();
            // The pixels are allocated here, checked: vips_image_write_line would write through a null pointer.
            if (memory != null && (vips.vips_image_pipelinev(memory, DEMAND_THINSTRIP, in, null) != 0
                    || vips.vips_image_write_prepare(memory) != 0)) {
                Vips.natives().gobject().g_object_unref(memory);
                return -1;
            }
            image.setValue(memory);
            return memory == null ? -1 : 0;
        });
        try {
            LibVips vips = Vips.natives().vips();
            inBands(between, (top, rows, pixels, lineBytes) -> {
                for (int i = 0; i < rows; i++) {
                    if (vips.vips_image_write_line(out.handle, top + i, pixels.share(i * lineBytes)) != 0) {
                        throw Vips.failure("vips_image_write_line");
                    }
                }
            });
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    @FunctionalInterface
    private interface Band {
        /** {@code rows} lines from line {@code top}, packed, {@code lineBytes} each; valid only during the call. */
        void accept(int top, int rows, Pointer pixels, long lineBytes);
    }

    /** Computes the image on this thread in bands of rows, top to bottom, running {@code between} before each. */
    private void inBands(Runnable between, Band band) {
        Vips.Natives n = Vips.natives();
        int width = width();
        int height = height();
        int rows = Math.max(8, BAND_PIXELS / width);
        Pointer region;
        Vips.beginCall();
        try {
            region = n.vips().vips_region_new(handle());
            if (region == null) {
                throw Vips.failure("vips_region_new");
            }
        } finally {
            Vips.endCall();
        }
        try {
            for (int top = 0; top < height; top += rows) {
                between.run();
                int count = Math.min(rows, height - top);
                NativeLongByReference length = new NativeLongByReference();
                Pointer pixels = null;
                Vips.beginCall();
                try {
                    pixels = n.vips().vips_region_fetch(region, 0, top, width, count, length);
                    if (pixels == null) {
                        throw Vips.failure("vips_region_fetch");
                    }
                    band.accept(top, count, pixels, length.getValue().longValue() / count);
                } finally {
                    Vips.endCall();
                    if (pixels != null) {
                        n.glib().g_free(pixels);
                    }
                }
            }
        } finally {
            n.gobject().g_object_unref(region);
        }
    }

    /** Upright according to the {@code orientation} field (all eight EXIF values); removes the field. */
    public VipsImage autorot() {
        Pointer in = handle();
        return derive("vips_autorot", (vips, out) -> vips.vips_autorot(in, out, (Object) null));
    }

    /** Resizes with separate horizontal and vertical scales (Lanczos 3). */
    public VipsImage resize(double hscale, double vscale) {
        Pointer in = handle();
        return derive("vips_resize", (vips, out) -> vips.vips_resize(in, out, hscale, "vscale", vscale, null));
    }

    public VipsImage extractBands(int first, int count) {
        Pointer in = handle();
        return derive("vips_extract_band", (vips, out) -> vips.vips_extract_band(in, out, first, "n", count, null));
    }

    public VipsImage crop(int left, int top, int width, int height) {
        Pointer in = handle();
        return derive("vips_extract_area",
                (vips, out) -> vips.vips_extract_area(in, out, left, top, width, height, (Object) null));
    }

    /**
     * A copy with no metadata at all: no EXIF (GPS, camera serials, owner names), XMP, IPTC, ICC
     * profile, orientation or loader fields. libvips 8.14.1 ignores {@code strip} when saving WebP
     * and writes whatever the image carries, so stripping has to happen on the image itself.
     */
    public VipsImage withoutMetadata() {
        Pointer in = handle();
        VipsImage copy = derive("vips_copy", (vips, out) -> vips.vips_copy(in, out, (Object) null));
        try {
            LibVips vips = Vips.natives().vips();
            for (String field : copy.fieldNames()) {
                // Built-in header fields (width, height, …) are not in the metadata table; removing
                // them is a no-op, so every name can be passed.
                vips.vips_image_remove(copy.handle, field);
            }
            return copy;
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    // Savers.

    /** Encodes as WebP. Strip the metadata first ({@link #withoutMetadata()}): libvips 8.14.1 ignores {@code strip} here. */
    public byte[] webp(int quality, int effort) {
        Vips.Natives n = Vips.natives();
        PointerByReference buffer = new PointerByReference();
        NativeLongByReference length = new NativeLongByReference();
        Vips.beginCall();
        Pointer data = null;
        try {
            int rc = n.vips().vips_webpsave_buffer(handle(), buffer, length,
                    "Q", quality, "effort", effort, "strip", 1, null);
            data = buffer.getValue();
            if (rc != 0 || data == null) {
                throw Vips.failure("vips_webpsave_buffer");
            }
            return data.getByteArray(0, Math.toIntExact(length.getValue().longValue()));
        } finally {
            Vips.endCall();
            if (data != null) {
                n.glib().g_free(data);
            }
        }
    }

    /**
     * As {@link #webp(int, int)}, the same bytes, but made on the calling thread, rendered a band of
     * rows at a time and encoded by libwebp directly ({@link WebpEncoder}), with {@code pause} run
     * between bands and between the encoder's steps: an encode that can wait, held there while
     * {@code pause} waits and computed at the calling thread's priority. An 8-bit RGB or RGBA image.
     */
    public byte[] webp(int quality, int effort, Runnable pause) {
        int width = width();
        int height = height();
        int bands = bands();
        if (!isUchar() || bands != 3 && bands != 4) {
            throw new IllegalStateException("a paced WebP encode needs 8-bit RGB or RGBA, not " + bands + " bands");
        }
        try (Memory pixels = new Memory((long) width * height * bands)) {
            inBands(pause, (top, rows, band, lineBytes) -> {
                byte[] copy = band.getByteArray(0, Math.toIntExact(rows * lineBytes));
                pixels.write(top * lineBytes, copy, 0, copy.length);
            });
            return WebpEncoder.encode(pixels, width, height, bands, quality, effort, pause);
        }
    }

    /** The pixels, packed band-interleaved, one byte per sample (call on an 8-bit image). */
    public byte[] pixels() {
        if (!isUchar()) {
            throw new IllegalStateException("pixels() needs an 8-bit image; cast it first");
        }
        Vips.Natives n = Vips.natives();
        NativeLongByReference size = new NativeLongByReference();
        Pointer data;
        Vips.beginCall();
        try {
            data = n.vips().vips_image_write_to_memory(handle(), size);
            if (data == null) {
                throw Vips.failure("vips_image_write_to_memory");
            }
        } finally {
            Vips.endCall();
        }
        try {
            return data.getByteArray(0, Math.toIntExact(size.getValue().longValue()));
        } finally {
            n.glib().g_free(data);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Vips.natives().gobject().g_object_unref(handle);
        if (source != null) {
            source.release();
        }
    }
}
