package io.imgboard.preprocessor.imaging.vips;

import java.util.ArrayList;
import java.util.List;

/**
 * How to open an image.
 *
 * @param failOn     how strict decoding is
 * @param sequential read top to bottom once (enough for a full decode into memory, and cheaper)
 * @param shrink     1, 2, 4 or 8: decode at that fraction of the size (only loaders that can; else ignored)
 * @param maxPixels  a loader that must decode the whole image to open it (a HEIC beside a self-contained
 *                   libvips) refuses one larger than this from its header first ({@link TooManyPixelsException})
 */
public record LoadOptions(FailOn failOn, boolean sequential, int shrink, long maxPixels) {

    public LoadOptions {
        if (shrink != 1 && shrink != 2 && shrink != 4 && shrink != 8) {
            throw new IllegalArgumentException("shrink must be 1, 2, 4 or 8, was " + shrink);
        }
    }

    public static LoadOptions sequential(FailOn failOn) {
        return new LoadOptions(failOn, true, 1, Long.MAX_VALUE);
    }

    public LoadOptions withShrink(int factor) {
        return new LoadOptions(failOn, sequential, factor, maxPixels);
    }

    public LoadOptions withMaxPixels(long max) {
        return new LoadOptions(failOn, sequential, shrink, max);
    }

    /** Name/value pairs and the terminating null, as the variadic C call wants them. */
    Object[] varargs(Loader loader) {
        List<Object> args = new ArrayList<>();
        args.add("access");
        args.add(sequential ? 1 : 0); // VIPS_ACCESS_SEQUENTIAL : VIPS_ACCESS_RANDOM
        args.add("fail_on");
        args.add(failOn.ordinal());
        if (shrink > 1 && loader.shrinksOnLoad()) {
            args.add("shrink");
            args.add(shrink);
        }
        args.add(null);
        return args.toArray();
    }
}
