package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The part of libwebp's encoder (1.2, {@code encode.h}, the library libvips itself encodes with)
 * that {@link WebpEncoder} calls. The structures mirror the header field for field, padding
 * included, so that JNA lays them out as the C compiler does; the library checks only the major
 * byte of the ABI version it is handed.
 */
interface LibWebp extends Library {
    /** {@code WEBP_ENCODER_ABI_VERSION} of libwebp 1.2. */
    int ENCODER_ABI_VERSION = 0x020f;
    int PRESET_DEFAULT = 0;

    int WebPConfigInitInternal(Config config, int preset, float quality, int abiVersion);

    int WebPValidateConfig(Config config);

    int WebPPictureInitInternal(Picture picture, int abiVersion);

    int WebPPictureImportRGB(Picture picture, Pointer rgb, int stride);

    int WebPPictureImportRGBA(Picture picture, Pointer rgba, int stride);

    int WebPEncode(Config config, Picture picture);

    /** By pointer, so that JNA does not write its Java copy over what libwebp allocated. */
    void WebPPictureFree(Pointer picture);

    void WebPMemoryWriterInit(MemoryWriter writer);

    /** By pointer, as {@link #WebPPictureFree(Pointer)}. */
    void WebPMemoryWriterClear(Pointer writer);

    /** {@code WebPProgressHook}: 0 aborts the encode. */
    interface ProgressHook extends Callback {
        int invoke(int percent, Pointer picture);
    }

    /** {@code struct WebPConfig}. */
    @Structure.FieldOrder({"lossless", "quality", "method", "image_hint", "target_size", "target_PSNR", "segments",
            "sns_strength", "filter_strength", "filter_sharpness", "filter_type", "autofilter", "alpha_compression",
            "alpha_filtering", "alpha_quality", "pass", "show_compressed", "preprocessing", "partitions",
            "partition_limit", "emulate_jpeg_size", "thread_level", "low_memory", "near_lossless", "exact",
            "use_delta_palette", "use_sharp_yuv", "qmin", "qmax"})
    class Config extends Structure {
        public int lossless;
        public float quality;
        public int method;
        public int image_hint;
        public int target_size;
        public float target_PSNR;
        public int segments;
        public int sns_strength;
        public int filter_strength;
        public int filter_sharpness;
        public int filter_type;
        public int autofilter;
        public int alpha_compression;
        public int alpha_filtering;
        public int alpha_quality;
        public int pass;
        public int show_compressed;
        public int preprocessing;
        public int partitions;
        public int partition_limit;
        public int emulate_jpeg_size;
        public int thread_level;
        public int low_memory;
        public int near_lossless;
        public int exact;
        public int use_delta_palette;
        public int use_sharp_yuv;
        public int qmin;
        public int qmax;
    }

    /** {@code struct WebPPicture}. */
    @Structure.FieldOrder({"use_argb", "colorspace", "width", "height", "y", "u", "v", "y_stride", "uv_stride", "a",
            "a_stride", "pad1", "argb", "argb_stride", "pad2", "writer", "custom_ptr", "extra_info_type",
            "extra_info", "stats", "error_code", "progress_hook", "user_data", "pad3", "pad4", "pad5", "pad6",
            "memory_", "memory_argb_", "pad7"})
    class Picture extends Structure {
        public int use_argb;
        public int colorspace;
        public int width;
        public int height;
        public Pointer y;
        public Pointer u;
        public Pointer v;
        public int y_stride;
        public int uv_stride;
        public Pointer a;
        public int a_stride;
        public int[] pad1 = new int[2];
        public Pointer argb;
        public int argb_stride;
        public int[] pad2 = new int[3];
        public Pointer writer;
        public Pointer custom_ptr;
        public int extra_info_type;
        public Pointer extra_info;
        public Pointer stats;
        public int error_code;
        public ProgressHook progress_hook;
        public Pointer user_data;
        public int[] pad3 = new int[3];
        public Pointer pad4;
        public Pointer pad5;
        public int[] pad6 = new int[8];
        public Pointer memory_;
        public Pointer memory_argb_;
        public Pointer[] pad7 = new Pointer[2];
    }

    /** {@code struct WebPMemoryWriter}, filled by libwebp's own {@code WebPMemoryWrite}. */
    @Structure.FieldOrder({"mem", "size", "max_size", "pad"})
    class MemoryWriter extends Structure {
        public Pointer mem;
        public NativeLong size;
        public NativeLong max_size;
        public int[] pad = new int[1];
    }
}
