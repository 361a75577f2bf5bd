package io.imgboard.display.rest;

/**
 * Request tags against a strong ETag: {@code If-None-Match} by weak comparison (RFC 9110 §13.1.2, for GET),
 * {@code If-Range} by strong comparison (§13.1.5), since a range only fits bytes that are the same.
 */
final class EntityTags {
    private EntityTags() {
    }

    static boolean noneMatchFails(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || etag == null) {
            return false;
        }
        String wanted = opaque(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || (!tag.isEmpty() && opaque(tag).equals(wanted))) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 9110 §8.8.3.2: both tags strong and the same character for character. A weak tag never matches,
     * not even itself: it does not promise the same bytes.
     */
    static boolean strongMatch(String tag, String etag) {
        if (tag == null || etag == null) {
            return false;
        }
        String candidate = tag.strip();
        return !candidate.startsWith("W/") && !etag.startsWith("W/") && candidate.equals(etag);
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
