package io.imgboard.display.service;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one place that turns a photo id and a rendition name into a URL or an object key. Both parts
 * come from clients, so each is checked against a strict pattern before it is used anywhere.
 */
public final class MediaPaths {
    private static final Pattern PHOTO_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern RENDITION = Pattern.compile("[a-z0-9-]{1,32}");

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

    public static boolean isRenditionName(String candidate) {
        return candidate != null && RENDITION.matcher(candidate).matches();
    }

    /** Relative URL a frame fetches, served by the media endpoint. */
    public static String url(UUID photoId, String rendition) {
        return "/media/" + photoId + "/" + rendition + ".webp";
    }

    /** Object key in the renditions bucket (DESIGN.md, "Objects"). */
    public static String objectKey(UUID photoId, String rendition) {
        return "renditions/" + photoId + "/" + rendition + ".webp";
    }
}
