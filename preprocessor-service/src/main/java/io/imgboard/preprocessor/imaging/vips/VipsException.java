package io.imgboard.preprocessor.imaging.vips;

import java.util.LinkedHashSet;
import java.util.Set;

/** A libvips operation failed; {@link #detail()} is what libvips said, e.g. {@code VipsJpeg: Premature end of JPEG file}. */
public final class VipsException extends RuntimeException {
    private final String operation;
    private final String detail;

    VipsException(String operation, String errorBuffer) {
        super(operation + " failed" + (errorBuffer.isBlank() ? "" : ": " + tidy(errorBuffer)));
        this.operation = operation;
        this.detail = errorBuffer.isBlank() ? operation + " failed" : tidy(errorBuffer);
    }

    /** The C function that failed, e.g. {@code vips_jpegload}. */
    public String operation() {
        return operation;
    }

    /** libvips' messages on one line, repeated lines once. */
    public String detail() {
        return detail;
    }

    private static String tidy(String errorBuffer) {
        Set<String> lines = new LinkedHashSet<>();
        for (String line : errorBuffer.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                lines.add(trimmed);
            }
        }
        String joined = String.join("; ", lines);
        return joined.length() <= 300 ? joined : joined.substring(0, 297) + "...";
    }
}
