package io.imgboard.ingest.rest;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One range of bytes of a file of a known size, as a {@code Range} header asks for it (RFC 9110 §14.1.2):
 * {@code bytes=0-99}, {@code bytes=100-} or the last n bytes, {@code bytes=-n}. Anything else (another
 * unit, several ranges, bad syntax) is not a range here and the whole file is sent, which the RFC allows
 * a server to do with any {@code Range}.
 *
 * @param first the first byte's offset
 * @param last  the last byte's offset, within the file
 */
record ByteRange(long first, long last) {
    private static final Pattern ONE_RANGE = Pattern.compile("bytes=([0-9]{0,18})-([0-9]{0,18})");

    /** What a {@code Range} header asks of a file of {@code size} bytes. */
    sealed interface Asked permits All, Part, Unsatisfiable {
    }

    /** The whole file: no header, or one this server does not take as a range. */
    record All() implements Asked {
    }

    /** One range that lies (at least partly) within the file. */
    record Part(ByteRange range) implements Asked {
    }

    /** A range that starts past the file's end, or an empty suffix: {@code 416}. */
    record Unsatisfiable() implements Asked {
    }

    static Asked asked(String header, long size) {
        if (header == null) {
            return new All();
        }
        Matcher m = ONE_RANGE.matcher(header.strip().toLowerCase(Locale.ROOT).replace(" ", ""));
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return new All();
        }
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            return suffix == 0 || size == 0 ? new Unsatisfiable() : new Part(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long first = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
            return new All(); // not a valid range: ignored
        }
        if (first >= size) {
            return new Unsatisfiable();
        }
        long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        return new Part(new ByteRange(first, last));
    }

    long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} of this part of a file of {@code size} bytes. */
    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }
}
