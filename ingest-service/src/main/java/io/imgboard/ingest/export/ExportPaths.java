package io.imgboard.ingest.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code relativePath} of an export request, taken apart and confined to the export folder: the
 * same rules the WebDAV target applies to its paths (no {@code .} or {@code ..}, no empty segment, no
 * control character or backslash, names of at most 255 bytes), and it may not start with {@code /}.
 * Hidden names are refused too: a folder source ignores dot-files, so it could never see the file.
 */
final class ExportPaths {
    static final int MAX_SEGMENT_BYTES = 255;
    static final int MAX_PATH_CHARS = 1024;

    private ExportPaths() {
    }

    /** @throws ExportRefused saying what is wrong with the path */
    static List<String> segments(String relativePath) {
        if (relativePath == null || relativePath.isEmpty()) {
            throw new ExportRefused("the export request names no file (relativePath is empty)");
        }
        if (relativePath.length() > MAX_PATH_CHARS) {
            throw new ExportRefused("relativePath is too long: at most " + MAX_PATH_CHARS + " characters");
        }
        if (relativePath.startsWith("/")) {
            throw new ExportRefused("relativePath " + quoted(relativePath) + " is absolute; it must lie within the export folder");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : relativePath.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new ExportRefused("relativePath " + quoted(relativePath) + " has an empty segment");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new ExportRefused("relativePath " + quoted(relativePath) + " contains '" + segment
                        + "'; an export never leaves its folder");
            }
            if (segment.startsWith(".")) {
                throw new ExportRefused("relativePath " + quoted(relativePath) + " names a hidden file or folder");
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c < 0x20 || c == 0x7f || c == '\\') {
                    throw new ExportRefused("relativePath " + quoted(relativePath)
                            + " contains a control character or a backslash");
                }
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw new ExportRefused("a name in relativePath is longer than " + MAX_SEGMENT_BYTES + " bytes");
            }
            segments.add(segment);
        }
        return segments;
    }

    /** {@code name.ext} → {@code name-n.ext}; the first free one is taken on a clash. */
    static String suffixed(String name, int n) {
        if (n == 0) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n;
    }

    /** For messages: printable, and short. */
    static String quoted(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        StringBuilder out = new StringBuilder("\"");
        for (char c : shown.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.append('"').toString();
    }
}
