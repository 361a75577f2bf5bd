package io.imgboard.display.service;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * img-board file names ({@code /api/images}, {@code /images/<name>}): {@code <sanitised stem>-<short
 * photo id>.webp}, e.g. {@code IMG_0412-3f9a1c0d2b4e.webp}, from the photo's first-seen name, which the
 * ledger fixes for the photo's life. So a name is stable through reprocessing and restarts, one
 * photo's alone, and safe unescaped in URLs, HTML and JSON ({@code [A-Za-z0-9._-]}, no leading dot,
 * at most 128 characters). Twelve hex digits of the id make two photos with one stem (IMG_0001 from two
 * phones) differ; should even those collide, the playlist gives the later one the full id ({@link #full}).
 */
public final class CompatNames {
    static final int MAX_STEM = 64;
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,122}\\.webp");

    private CompatNames() {
    }

    public static String of(String originalName, UUID photoId) {
        return named(originalName, hex(photoId).substring(0, 12), photoId);
    }

    /** The collision fallback: the whole id, which no other photo has. */
    public static String full(String originalName, UUID photoId) {
        return named(originalName, hex(photoId), photoId);
    }

    /** Whether a name could be one of ours at all; anything else is 404 without a lookup. */
    public static boolean isWellFormed(String name) {
        return name != null && SAFE_NAME.matcher(name).matches();
    }

    private static String named(String originalName, String id, UUID photoId) {
        String stem = stem(originalName);
        if (stem.isEmpty()) {
            return (id.length() == 32 ? photoId.toString() : id) + ".webp";
        }
        return stem + "-" + id + ".webp";
    }

    static String stem(String originalName) {
        if (originalName == null) {
            return "";
        }
        String base = originalName.substring(Math.max(originalName.lastIndexOf('/'), originalName.lastIndexOf('\\')) + 1);
        int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        String safe = UNSAFE.matcher(base).replaceAll("_");
        if (safe.startsWith(".")) {
            safe = "_" + safe.substring(1);
        }
        return safe.length() > MAX_STEM ? safe.substring(0, MAX_STEM) : safe;
    }

    private static String hex(UUID photoId) {
        return photoId.toString().replace("-", "").toLowerCase(Locale.ROOT);
    }
}
