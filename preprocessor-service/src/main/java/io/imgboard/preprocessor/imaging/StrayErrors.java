package io.imgboard.preprocessor.imaging;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Gives each failed photo its own loader's words. libvips 8.14 keeps one error buffer for the whole process
 * ({@code Vips#failure}): when two photos fail at the same moment, the first to copy the buffer gets both
 * messages and the second none, so a truncated JPEG was said to have a PNG's "libpng read error" and the PNG
 * "no reason". Each message names its loader ({@code VipsJpeg: …}, {@code vipspng: …}); a photo keeps the
 * messages of its own format and of no format, and leaves another format's here for a photo of that format that
 * failed without one of its own in the next half minute.
 */
final class StrayErrors {
    private static final Duration KEPT = Duration.ofSeconds(30);
    private static final int MAX = 32;
    private static final Deque<Stray> STRAYS = new ArrayDeque<>();

    private record Stray(ImageFormat format, String message, long at) {
    }

    private StrayErrors() {
    }

    /** {@code detail}'s messages ({@code "; "}-joined, as {@code VipsException#detail}) that are this photo's. */
    static String claim(ImageFormat format, String detail) {
        return claim(format, detail, System.nanoTime());
    }

    static String claim(ImageFormat format, String detail, long now) {
        List<String> own = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        List<ImageFormat> foreignFormats = new ArrayList<>();
        for (String message : detail == null ? new String[0] : detail.split("; ")) {
            ImageFormat named = formatNamed(message);
            if (named == null || sameLoader(named, format)) {
                own.add(message);
            } else {
                foreign.add(message);
                foreignFormats.add(named);
            }
        }
        synchronized (STRAYS) {
            STRAYS.removeIf(s -> now - s.at() > KEPT.toNanos());
            boolean hasOwnWords = own.stream().anyMatch(m -> formatNamed(m) != null);
            if (!hasOwnWords) {
                List<String> found = new ArrayList<>();
                for (Iterator<Stray> it = STRAYS.iterator(); it.hasNext(); ) {
                    Stray stray = it.next();
                    if (sameLoader(stray.format(), format)) {
                        found.add(stray.message());
                        it.remove();
                    }
                }
                own.addAll(0, found);
            }
            for (int i = 0; i < foreign.size(); i++) {
                STRAYS.addLast(new Stray(foreignFormats.get(i), foreign.get(i), now));
                if (STRAYS.size() > MAX) {
                    STRAYS.removeFirst();
                }
            }
        }
        return String.join("; ", own);
    }

    /** The format whose loader wrote the message ({@code VipsJpeg: …} is JPEG's), or null when it names none. */
    static ImageFormat formatNamed(String message) {
        int colon = message.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String domain = message.substring(0, colon).toLowerCase(Locale.ROOT);
        // A saver's words (vips2webp, webpsave) are about the rendition being written, which is WebP for every photo.
        if (domain.contains(" ") || domain.startsWith("vips2") || domain.contains("save")) {
            return null;
        }
        if (domain.contains("jpeg") || domain.contains("jpg")) {
            return ImageFormat.JPEG;
        }
        if (domain.contains("png")) {
            return ImageFormat.PNG;
        }
        if (domain.contains("heif") || domain.contains("avif")) {
            return ImageFormat.HEIF;
        }
        if (domain.contains("webp")) {
            return ImageFormat.WEBP;
        }
        if (domain.contains("tiff")) {
            return ImageFormat.TIFF;
        }
        if (domain.contains("gif")) {
            return ImageFormat.GIF;
        }
        return null;
    }

    /** HEIC and AVIF share libheif's loader and its messages. */
    private static boolean sameLoader(ImageFormat a, ImageFormat b) {
        return a == b || a == ImageFormat.HEIF && b == ImageFormat.AVIF || a == ImageFormat.AVIF && b == ImageFormat.HEIF;
    }

    /** For tests: forget what was left. */
    static void clear() {
        synchronized (STRAYS) {
            STRAYS.clear();
        }
    }
}
