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
 * image is set by {@link #start(int)} (the service's default: {@code ImagingOptions.DEFAULT_VIPS_CONCURRENCY}).
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
            // -Dimgboard.libvips=PATH loads another, self-contained libvips build that exports glib and
            // gobject itself (sharp's does): a benchmark lever (Bench --libvips), not a service setting.
            String library = System.getProperty("imgboard.libvips", LIBVIPS);
            boolean bundle = !library.equals(LIBVIPS);
            LibVips vips = Native.load(library, LibVips.class);
            GLib glib = Native.load(bundle ? library : LIBGLIB, GLib.class);
            GObject gobject = Native.load(bundle ? library : LIBGOBJECT, GObject.class);
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
            failure = "cannot load libvips (" + System.getProperty("imgboard.libvips", LIBVIPS) + "): " + e.getMessage()
                    + " — install it with: apt-get install -y libvips42";
            throw new VipsUnavailableException(failure, e);
        }
    }

    // libvips 8.14 has one error buffer for the whole process, shared by every thread. Clearing it
    // before each call (as a single-threaded program would) lets one worker wipe the message
    // another worker's failed call has just written, before that worker copied it. So:
    //  - the buffer is cleared before a call only when no other native call is in flight;
    //  - a failed call's "copy the buffer, clear it" runs under the same lock, before the call
    //    counts as finished, so no one clears in between.
    // The text stays best-effort: two calls failing at the same moment write into the same buffer,
    // and the first to copy it gets both messages (the second then gets none), and warnings that
    // successful calls wrote while others were in flight can ride along. EnvironmentFault errs
    // towards "retryable" for exactly this reason.
    private static final Object ERRORS = new Object();
    private static int inFlight;

    /** Before a native call whose failure we report: clears stale messages if no other call is running. */
    static void beginCall() {
        LibVips vips = natives().vips();
        synchronized (ERRORS) {
            if (inFlight == 0) {
                vips.vips_error_clear();
            }
            inFlight++;
        }
    }

    /** After the call of {@link #beginCall()}, and after {@link #failure(String)} if it failed (use finally). */
    static void endCall() {
        synchronized (ERRORS) {
            inFlight--;
        }
    }

    /**
     * The failure of the operation just called, with libvips' own words (best-effort, see above).
     * Copying also clears the buffer. Call between {@link #beginCall()} and {@link #endCall()}.
     */
    static VipsException failure(String operation) {
        Natives n = natives();
        synchronized (ERRORS) {
            return new VipsException(operation, errorText(n.vips(), n.glib()));
        }
    }

    /** A call failed in a way we recover from (a missing field): drop its message so it is not blamed on another call. */
    static void discardFailure() {
        Natives n = natives();
        synchronized (ERRORS) {
            errorText(n.vips(), n.glib());
        }
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
