package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.util.Map;

/**
 * libvips, loaded once per JVM and initialised once: Debian's ({@value #LIBVIPS}), or the
 * self-contained build named by {@value #LIBVIPS_ENV} (or {@code -Dimgboard.libvips}): the one sharp
 * publishes as {@code @img/sharp-libvips-linux-x64}, which {@code ./imgboard} and the container image
 * fetch (libvips 8.18 with libwebp 1.6 and Highway's SIMD resize: the imaging core needs about a third
 * less CPU there, the README's Performance). That build's libheif has no HEVC decoder, so a HEIC is then
 * decoded by Debian's libvips, loaded beside it on the first one ({@link HeifBridge}). Each is loaded
 * {@code RTLD_LOCAL}, the build first: it carries its own GLib and binds its calls to it inside
 * itself (no PLT entry for a GLib function; its few GLib data references are bound when it loads).
 * Debian's libvips later makes its own GLib process-wide when it loads its HEIC module
 * ({@code g_module_open}), which then no longer matters. When the build asked for cannot be loaded
 * here, Debian's is loaded in its place and {@link #warning()} says why.
 *
 * <p>Settings made here are process-wide: the operation cache is off (it would keep decoded
 * images, and with them their input buffers, alive after we unref them; and we never repeat an
 * operation), untrusted loaders are blocked, and the number of threads libvips uses inside one
 * image is set by {@link #start(int)} (the service's default: {@code ImagingOptions.DEFAULT_VIPS_CONCURRENCY}).
 */
public final class Vips {
    static final String LIBVIPS = "libvips.so.42";
    /** The environment variable naming another libvips build to load instead of Debian's. */
    public static final String LIBVIPS_ENV = "IMGBOARD_LIBVIPS";
    /** The system property naming another libvips build; wins over {@value #LIBVIPS_ENV}. */
    public static final String LIBVIPS_PROPERTY = "imgboard.libvips";
    /** dlopen's RTLD_LAZY without RTLD_GLOBAL (JNA's default has it). */
    private static final int RTLD_LAZY_LOCAL = 1;
    static final String LIBGLIB = "libglib-2.0.so.0";
    static final String LIBGOBJECT = "libgobject-2.0.so.0";

    private static Natives natives;
    private static String failure;
    private static String warning;
    private static Natives system;
    private static String systemFailure;
    private static int concurrency = 1;

    private Vips() {
    }

    /** One loaded libvips and the GLib it uses; {@code bundle}: a self-contained build, not Debian's. */
    record Natives(LibVips vips, GLib glib, GObject gobject, String version, boolean bundle) {
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
        Vips.concurrency = concurrency;
        if (system != null) {
            system.vips().vips_concurrency_set(concurrency);
        }
    }

    /** The library asked for: {@code -Dimgboard.libvips}, else {@value #LIBVIPS_ENV}, else Debian's. */
    static String configuredLibrary() {
        String property = System.getProperty(LIBVIPS_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv(LIBVIPS_ENV);
        return env != null && !env.isBlank() ? env : LIBVIPS;
    }

    /** Which setting named the build {@link #configuredLibrary()} gave, and how to choose Debian's on purpose. */
    private static String configuredBy() {
        String property = System.getProperty(LIBVIPS_PROPERTY);
        return property != null && !property.isBlank()
                ? "-D" + LIBVIPS_PROPERTY + " named it (the benches' --libvips sets it)"
                : LIBVIPS_ENV + " named it: correct it, or set it empty (" + LIBVIPS_ENV + "=) to choose Debian's";
    }

    /** True when HEIC/HEIF is decoded by Debian's libvips beside a self-contained build (see the class). */
    static boolean heifElsewhere() {
        return natives().bundle();
    }

    /**
     * Debian's libvips beside a self-contained build, loaded on first use, for what that build cannot
     * decode. Throws {@link VipsUnavailableException} with the reason (remembered) when it cannot be loaded.
     */
    static synchronized Natives system() {
        if (system != null) {
            return system;
        }
        // After the library in use, never before: a self-contained build binds its GLib data when it
        // loads, and Debian's libvips makes its GLib process-wide once it loads its HEIC module.
        natives();
        if (systemFailure != null) {
            throw new VipsUnavailableException(systemFailure);
        }
        try {
            Natives loaded = open(LIBVIPS, true);
            loaded.vips().vips_concurrency_set(concurrency);
            system = loaded;
            return loaded;
        } catch (UnsatisfiedLinkError | VipsUnavailableException e) {
            systemFailure = "cannot load Debian's libvips for HEIC (" + LIBVIPS + "): " + why(e)
                    + " — install it with: apt-get install -y libvips42";
            throw new VipsUnavailableException(systemFailure, e);
        }
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
        String library = configuredLibrary();
        try {
            natives = open(library, !library.equals(LIBVIPS));
            return natives;
        } catch (UnsatisfiedLinkError | VipsUnavailableException e) {
            String reason = "cannot load libvips (" + library + "): " + why(e);
            if (library.equals(LIBVIPS)) {
                failure = reason + " — install it with: apt-get install -y libvips42";
                throw new VipsUnavailableException(failure, e);
            }
            // Another build was asked for and cannot be had here: Debian's keeps photos flowing, more
            // slowly, and the warning says so (the log, the readiness check, /api/v1/preprocessor, the CLIs).
            try {
                natives = open(LIBVIPS, false);
            } catch (UnsatisfiedLinkError | VipsUnavailableException debian) {
                failure = reason + "; Debian's libvips (" + LIBVIPS + ") cannot be loaded either: " + why(debian)
                        + " — install it with: apt-get install -y libvips42";
                e.addSuppressed(debian);
                throw new VipsUnavailableException(failure, e);
            }
            warning = reason + "; running on Debian's libvips " + natives.version() + " instead, about 1.5 times the CPU"
                    + " per photo (" + configuredBy() + ")";
            return natives;
        }
    }

    /**
     * A load failure in a line a person reads: dlopen's reason. JNA's message wraps it in "Unable to load
     * library" and then lists the whole class path it also searched, which says nothing here.
     */
    private static String why(Throwable e) {
        String reason = String.join("; ", String.valueOf(e.getMessage()).lines()
                .map(line -> line.strip().replaceFirst(":$", ""))
                .filter(line -> !line.isEmpty() && !line.startsWith("Native library (")
                        && !line.startsWith("Unable to load library"))
                .distinct().toList());
        return reason.isEmpty() ? String.valueOf(e.getMessage()) : reason;
    }

    /**
     * Why libvips runs on Debian's build although another was asked for ({@value #LIBVIPS_ENV} or
     * {@code -Dimgboard.libvips} names a library that cannot be loaded here), or null.
     */
    public static synchronized String warning() {
        return warning;
    }

    /**
     * Loads and initialises one libvips: {@code local} keeps its symbols (and a self-contained build's
     * GLib) to itself, so two can live in one process.
     */
    private static Natives open(String library, boolean local) {
        boolean bundle = !library.equals(LIBVIPS);
        Map<String, Object> options = local ? Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY_LOCAL) : Map.of();
        LibVips vips = Native.load(library, LibVips.class, options);
        GLib glib = Native.load(bundle ? library : LIBGLIB, GLib.class, options);
        GObject gobject = Native.load(bundle ? library : LIBGOBJECT, GObject.class, options);
        String vipsHome = System.getenv("VIPSHOME");
        int init = vips.vips_init("imgboard-preprocessor");
        if (bundle) {
            // sharp's build sets VIPSHOME to the prefix it was built in (/target) in the process'
            // environment: Debian's libvips would then look for its loader modules (HEIC's among them)
            // there, and so would every vips command this process starts.
            restoreEnv("VIPSHOME", vipsHome);
        }
        if (init != 0) {
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
        return new Natives(vips, glib, gobject, vips.vips_version_string(), bundle);
    }

    /** The process' environment (libc's, what native code and child processes see). */
    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        int unsetenv(String name);
    }

    private static void restoreEnv(String name, String value) {
        LibC libc = Native.load("c", LibC.class);
        if (value == null) {
            libc.unsetenv(name);
        } else {
            libc.setenv(name, value, 1);
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

    static String errorText(LibVips vips, GLib glib) {
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
