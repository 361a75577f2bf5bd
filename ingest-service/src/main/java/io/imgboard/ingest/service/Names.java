package io.imgboard.ingest.service;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Client-supplied names made safe to show and to store. They are labels only: nothing here, or
 * anywhere in the service, turns them into a local path.
 */
final class Names {
    static final String UNNAMED = "unnamed";
    static final int MAX_NAME = 255;
    static final int MAX_PATH = 1024;
    /** Hex digits of the SHA-256 that start the path of a file sent without one. */
    static final int CONTENT_PREFIX = 12;
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9-]{1,40}");

    private Names() {
    }

    /**
     * The last segment of what a client called the file, cleaned; {@value #UNNAMED} when nothing is left. A
     * client may send a Windows path ({@code C:\\DCIM\\IMG_1.JPG}), so a backslash separates here.
     */
    static String fileName(String raw) {
        String unified = raw == null ? "" : raw.replace('\\', '/');
        return segment(unified.substring(unified.lastIndexOf('/') + 1));
    }

    /**
     * A file's own name, one segment of a folder or a WebDAV tree, cleaned; {@value #UNNAMED} when nothing is
     * left. A backslash is a character of such a name, as it is on the file system.
     */
    static String segment(String raw) {
        String clean = clean(raw == null ? "" : raw, MAX_NAME);
        return clean.isEmpty() || clean.equals(".") || clean.equals("..") ? UNNAMED : clean;
    }

    /**
     * The client's own relative name for the file ({@code 2026/holiday/IMG_1.JPG}): separators made
     * {@code /}, empty, {@code .} and {@code ..} segments dropped, each segment cleaned. Falls back
     * to {@code fallback} when the client gave none, or nothing is left of it.
     */
    static String path(String raw, String fallback) {
        if (raw == null) {
            return fallback;
        }
        List<String> segments = new ArrayList<>();
        for (String segment : raw.replace('\\', '/').split("/")) {
            String clean = clean(segment, MAX_NAME);
            if (!clean.isEmpty() && !clean.equals(".") && !clean.equals("..")) {
                segments.add(clean);
            }
        }
        String path = String.join("/", segments);
        if (path.length() > MAX_PATH) {
            path = truncate(path, MAX_PATH);
        }
        return path.isEmpty() ? fallback : path;
    }

    /**
     * The path of a file the client gave no path for: {@code <sha256[0:12]>/<name>}. The file name
     * alone is not unique within a source (every phone has an {@code IMG_0001.JPG}), and the ledger
     * reads a second file at the same (source, path) as the first one replaced; with the content in
     * the path, only the same bytes under the same name meet at the same path again.
     */
    static String contentPath(String sha256, String name) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a lowercase hex SHA-256: " + sha256);
        }
        return sha256.substring(0, CONTENT_PREFIX) + "/" + name;
    }

    /** {@code upload:<source>}, the source given by the client or {@code api}. */
    static String uploadSourceId(String source) {
        if (source == null || source.isBlank()) {
            return "upload:api";
        }
        if (!SOURCE.matcher(source).matches()) {
            throw new IllegalArgumentException("invalid source: use 1 to 40 characters from a-z, 0-9 and -");
        }
        return io.imgboard.events.SourceIds.UPLOAD + source;
    }

    /**
     * NFC, without control, format (bidi overrides, zero-width spaces) or unpaired surrogate characters, whitespace
     * collapsed. The zero-width joiner and non-joiner stay: an emoji sequence (a family, a flag) and Indic and Persian
     * words are written with them, and they turn nothing around.
     */
    private static final int ZWJ = 0x200D;
    private static final int ZWNJ = 0x200C;

    private static String clean(String raw, int max) {
        String text = Normalizer.normalize(raw, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                space = out.length() > 0;
                continue;
            }
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT && cp != ZWJ && cp != ZWNJ
                    || type == Character.SURROGATE || type == Character.PRIVATE_USE || type == Character.UNASSIGNED) {
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.appendCodePoint(cp);
        }
        return truncate(out.toString(), max);
    }

    /** At most {@code max} chars, never cutting a surrogate pair. */
    private static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }
}
