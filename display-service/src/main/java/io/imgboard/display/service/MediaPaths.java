package io.imgboard.display.service;

import io.imgboard.events.Rendition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one place that turns a photo id and a rendition name into a URL or an object key. Both parts
 * come from clients, so each is checked before it is used anywhere: the id here, the name by the rule
 * every service names renditions by ({@link io.imgboard.events.RenditionSpec#isName}).
 */
public final class MediaPaths {
    private static final Pattern PHOTO_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final HexFormat HEX = HexFormat.of();
    private static final int VERSION_DIGITS = 12;

    private MediaPaths() {
    }

    /**
     * The photo id in its canonical lowercase form, or empty. {@link UUID#fromString} alone would
     * accept forms like {@code 1-2-3-4-5}, which would name a different object key.
     */
    public static Optional<UUID> photoId(String candidate) {
        if (candidate == null || !PHOTO_ID.matcher(candidate).matches()) {
            return Optional.empty();
        }
        return Optional.of(UUID.fromString(candidate.toLowerCase(Locale.ROOT)));
    }

    /**
     * Relative URL a frame fetches, served by the media endpoint:
     * {@code /media/<photoId>/<name>.webp?v=<version>}. Media are cached as immutable for a year,
     * but a reprocess rewrites the same object key; the version changes with the rendition, so a
     * browser fetches the new bytes under a new URL. The media endpoint finds the object without the
     * query, and caches for a year only an answer to the current one ({@link #isCurrent}).
     */
    public static String url(UUID photoId, Rendition rendition) {
        return url(photoId, rendition.name(), version(rendition));
    }

    /**
     * True when {@code version}, a request's {@code v}, is the one in {@code url}, a rendition's current URL
     * from {@link #url}. Only then is the answer the bytes that URL names; any other {@code v} (an old one, a
     * made-up one, none) asks for the same object key, whose bytes a reprocess may change again.
     */
    public static boolean isCurrent(String url, String version) {
        return url != null && version != null && !version.isEmpty() && url.endsWith("?v=" + version);
    }

    /** {@link #url(UUID, Rendition)} from a rendition's name and its {@link #version}. */
    static String url(UUID photoId, String rendition, long version) {
        return "/media/" + photoId + "/" + rendition + ".webp?v=" + HEX.toHexDigits(version).substring(16 - VERSION_DIGITS);
    }

    /**
     * The first 12 hex digits (48 bits) of SHA-256 over what the catalog says about the stored object
     * (key, width, height, bytes): different when a reprocess may have changed the content, the same
     * when an identical record is redelivered (so the event id is deliberately not part of it). Kept
     * as a number: a display holds one per rendition of every photo in the library.
     */
    static long version(Rendition rendition) {
        String identity = rendition.key() + "\n" + rendition.width() + "\n" + rendition.height() + "\n" + rendition.bytes();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            long version = 0;
            for (int i = 0; i < VERSION_DIGITS / 2; i++) {
                version = version << 8 | (digest[i] & 0xff);
            }
            return version;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
