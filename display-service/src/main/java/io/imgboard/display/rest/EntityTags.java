package io.imgboard.display.rest;

/** {@code If-None-Match} against a strong ETag (RFC 9110 §13.1.2: weak comparison for GET). */
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

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
