package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * Lossy WebP through libwebp directly, on the calling thread, with a pause between the encoder's
 * steps. libvips 8.14's {@code webpsave} hands the whole image to libwebp in one call on a thread
 * of its own, so an encode that has started cannot be held and does not run at the caller's
 * priority; libwebp's progress hook can hold it. The settings are {@code webpsave}'s for the same
 * {@code Q} and {@code effort} (its default preset, alpha quality 100, no sharp YUV), so the bytes
 * are the same as {@link VipsImage#webp(int, int)}'s once libvips' extra chunks are stripped: {@code PacedWorkTest} compares them.
 */
final class WebpEncoder {
    static final String LIBWEBP = "libwebp.so.7";

    private WebpEncoder() {
    }

    /** Loaded on first use: Debian's libwebp (libvips42 depends on it; the self-contained 8.18 build keeps its own 1.6 to itself). */
    private static final class Holder {
        static final LibWebp WEBP;
        static final Pointer MEMORY_WRITE;
        static final String FAILURE;

        static {
            LibWebp webp = null;
            Pointer write = null;
            String failure = null;
            try {
                webp = com.sun.jna.Native.load(LIBWEBP, LibWebp.class);
                write = NativeLibrary.getInstance(LIBWEBP).getFunction("WebPMemoryWrite", Function.C_CONVENTION);
            } catch (UnsatisfiedLinkError e) {
                failure = "cannot load " + LIBWEBP + ": " + e.getMessage() + " — install it with: apt-get install -y libwebp7";
            }
            WEBP = webp;
            MEMORY_WRITE = write;
            FAILURE = failure;
        }
    }

    /**
     * Encodes packed 8-bit RGB ({@code bands} 3) or RGBA (4) pixels. {@code pause} runs each time
     * libwebp reports progress (about 60 times an image at effort 2; not during the conversion to YUV
     * before), on this thread; what it throws stops the encode and is thrown here.
     */
    static byte[] encode(Pointer pixels, int width, int height, int bands, int quality, int effort, Runnable pause) {
        if (bands != 3 && bands != 4) {
            throw new IllegalArgumentException("WebP takes RGB or RGBA, not " + bands + " bands");
        }
        if (Holder.FAILURE != null) {
            throw new VipsUnavailableException(Holder.FAILURE);
        }
        LibWebp webp = Holder.WEBP;
        LibWebp.Config config = new LibWebp.Config();
        if (webp.WebPConfigInitInternal(config, LibWebp.PRESET_DEFAULT, quality, LibWebp.ENCODER_ABI_VERSION) == 0) {
            throw new VipsException("WebPConfigPreset", "libwebp refused its own configuration version");
        }
        config.alpha_quality = 100;
        config.method = effort;
        if (webp.WebPValidateConfig(config) == 0) {
            throw new VipsException("WebPValidateConfig", "invalid WebP settings: Q " + quality + ", effort " + effort);
        }
        LibWebp.MemoryWriter output = new LibWebp.MemoryWriter();
        webp.WebPMemoryWriterInit(output);
        LibWebp.Picture picture = new LibWebp.Picture();
        Throwable[] stopped = new Throwable[1];
        // Held in a local for the whole encode: JNA frees a callback's native stub once its object is collected.
        // It runs on this thread (thread_level 0: libwebp starts no thread of its own).
        // libwebp 1.2 ignores a stop asked for during its statistics pass (effort ≤ 2) and goes on calling: once
        // stopped, the hook answers 0 without pausing again, and the encode counts as stopped whatever it returns.
        LibWebp.ProgressHook hook = (percent, ignored) -> {
            if (stopped[0] != null) {
                return 0;
            }
            try {
                pause.run();
                return 1;
            } catch (Throwable e) {
                stopped[0] = e;
                return 0;
            }
        };
        try {
            if (webp.WebPPictureInitInternal(picture, LibWebp.ENCODER_ABI_VERSION) == 0) {
                throw new VipsException("WebPPictureInit", "libwebp refused its own picture version");
            }
            picture.width = width;
            picture.height = height;
            picture.writer = Holder.MEMORY_WRITE;
            picture.custom_ptr = output.getPointer();
            picture.progress_hook = hook;
            int stride = width * bands;
            int imported = bands == 4 ? webp.WebPPictureImportRGBA(picture, pixels, stride)
                    : webp.WebPPictureImportRGB(picture, pixels, stride);
            if (imported == 0) {
                throw new VipsException("WebPPictureImport", "out of memory for a " + width + "x" + height + " picture");
            }
            if (webp.WebPEncode(config, picture) == 0 || stopped[0] != null || picture.error_code != 0) {
                throw failure(picture.error_code, stopped[0]);
            }
            output.read();
            return output.mem.getByteArray(0, Math.toIntExact(output.size.longValue()));
        } finally {
            // By pointer: what libwebp wrote is in native memory only, and must not be overwritten by the Java copy.
            webp.WebPPictureFree(picture.getPointer());
            webp.WebPMemoryWriterClear(output.getPointer());
            java.lang.ref.Reference.reachabilityFence(hook);
        }
    }

    /** Why WebPEncode returned 0: what the pause threw, as it was, or libwebp's error in words the retry policy reads. */
    private static RuntimeException failure(int errorCode, Throwable stopped) {
        if (stopped instanceof RuntimeException runtime) {
            return runtime;
        }
        if (stopped instanceof Error error) {
            throw error;
        }
        if (stopped != null) {
            return new IllegalStateException("the pause failed: " + stopped, stopped);
        }
        return switch (errorCode) {
            // 8, a failed write: WebPMemoryWrite's allocation.
            case 1, 2, 8 -> new VipsException("WebPEncode", "out of memory (libwebp error " + errorCode + ")");
            case 10 -> new IllegalStateException("the WebP encode was stopped by its progress hook");
            default -> new VipsException("WebPEncode", "libwebp could not encode (error " + errorCode + ")");
        };
    }
}
