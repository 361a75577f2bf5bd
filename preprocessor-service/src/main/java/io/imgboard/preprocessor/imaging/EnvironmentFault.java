package io.imgboard.preprocessor.imaging;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Tells a libvips failure caused by the machine from one caused by the file, by libvips' words.
 *
 * <p>libvips reports both through the same error buffer, so the text is all there is. Memory
 * ({@code out of memory --- size == 512MB}, {@code unable to allocate}), a missing loader or
 * operation ({@code class "heifload" not found}) and exhausted file handles or disk are the
 * machine's: retried, and reported as retryable. Everything else (a premature end, a bad marker,
 * an invalid box) is the photo's. Erring towards "retryable" costs a few retries; erring the
 * other way would mark a good photo as broken for good.
 */
public final class EnvironmentFault {
    private static final List<String> PHRASES = List.of(
            "out of memory",
            "unable to allocate",
            "cannot allocate memory",
            "not enough memory",
            "not found",
            "too many open files",
            "no space left on device");
    private static final Pattern MISSING_CLASS = Pattern.compile("class \"?[^\"]*\"? not found");
    /** A metadata field a file lacks ({@code vips_image_get: field "orientation" not found}) is the file's. */
    private static final Pattern MISSING_FIELD = Pattern.compile("field \"[^\"]*\" not found");

    private EnvironmentFault() {
    }

    /** True when libvips' message says the environment failed, not the image. */
    public static boolean matches(String vipsMessage) {
        if (vipsMessage == null || vipsMessage.isBlank()) {
            return false;
        }
        String text = MISSING_FIELD.matcher(vipsMessage.toLowerCase(Locale.ROOT)).replaceAll("");
        return MISSING_CLASS.matcher(text).find() || PHRASES.stream().anyMatch(text::contains);
    }
}
