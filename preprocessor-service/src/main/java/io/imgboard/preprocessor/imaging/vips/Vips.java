package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * libvips, loaded once per JVM by soname and initialised once.
 *
 * <p>Settings made here are process-wide: the operation cache is off (it would keep decoded
 * images, and with them their input buffers, alive after we unref them; and we never repeat an
 * operation), untrusted loaders are blocked, and the number of threads libvips uses inside one
 * image is set by {@link #start(int)}. One thread per image is the default: JPEG decode and WebP
 * encode are single-threaded, so the service gets more from one image per core.
 */
public final class Vips {
    static final String LIBVIPS = "libvips.so.42";
    static final String LIBGLIB = "libglib-2.0.so.0";
    static final String LIBGOBJECT = "libgobject-2.0.so.0";

    private static Natives natives;
    private static String failure;

    private Vips() {
    }

    record Natives(LibVips vips, GLib glib, GObject gobject, String version) {
    }

    /**
     * Loads and initialises libvips if that has not happened yet, and sets the number of threads
     * libvips may use for one image. Throws {@link VipsUnavailableException} when the library
     * cannot be loaded; the failure is remembered, so later calls fail fast with the same reason.
     */
    public static synchronized void start(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("libvips concurrency must be at least 1, was " + concurrency);
        }
        Natives loaded = load();
        loaded.vips().vips_concurrency_set(concurrency);
    }

    /** True when libvips is loaded and initialised. Never loads it. */
    public static synchronized boolean started() {
        return natives != null;
    }

    /** Why loading failed, or null. */
    public static synchronized String failure() {
        return failure;
    }

    /** The libvips version, e.g. {@code 8.14.1}. */
    public static String version() {
        return natives().version();
    }

    /** Threads libvips uses inside one image. */
    public static int concurrency() {
        return natives().vips().vips_concurrency_get();
    }

    static synchronized Natives natives() {
        if (natives == null) {
            throw new VipsUnavailableException(failure != null ? failure : "libvips has not been started");
        }
        return natives;
    }

    private static Natives load() {
        if (natives != null) {
            return natives;
        }
        if (failure != null) {
            throw new VipsUnavailableException(failure);
        }
        try {
            LibVips vips = Native.load(LIBVIPS, LibVips.class);
            GLib glib = Native.load(LIBGLIB, GLib.class);
            GObject gobject = Native.load(LIBGOBJECT, GObject.class);
            if (vips.vips_init("imgboard-preprocessor") != 0) {
                throw new VipsUnavailableException("vips_init failed: " + errorText(vips, glib));
            }
            vips.vips_cache_set_max(0);
            vips.vips_cache_set_max_mem(new NativeLong(0));
            vips.vips_cache_set_max_files(0);
            try {
                vips.vips_block_untrusted_set(1);
            } catch (UnsatisfiedLinkError olderThan813) {
                // we only ever call named loaders, so this is defence in depth
            }
            natives = new Natives(vips, glib, gobject, vips.vips_version_string());
            return natives;
        } catch (UnsatisfiedLinkError | VipsUnavailableException e) {
            failure = "cannot load libvips (" + LIBVIPS + "): " + e.getMessage()
                    + " — install it with: apt-get install -y libvips42";
            throw new VipsUnavailableException(failure, e);
        }
    }

    /** Clears the error buffer before a call, so that it holds only what that call reports. */
    static void clearErrors() {
        natives().vips().vips_error_clear();
    }

    /**
     * The failure of the operation just called, with libvips' own words. The error buffer is
     * process-wide; taking a copy also clears it.
     */
    static VipsException failure(String operation) {
        Natives n = natives();
        return new VipsException(operation, errorText(n.vips(), n.glib()));
    }

    private static String errorText(LibVips vips, GLib glib) {
        Pointer copy = vips.vips_error_buffer_copy();
        if (copy == null) {
            return "";
        }
        try {
            return copy.getString(0).strip();
        } finally {
            glib.g_free(copy);
        }
    }
}
