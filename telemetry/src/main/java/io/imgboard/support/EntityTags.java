package io.imgboard.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Entity tags as requests send them (RFC 9110 §8.8.3): a list such as {@code "a", W/"b"}, compared strongly
 * ({@code If-Match}, {@code If-Range}: the same bytes) or weakly ({@code If-None-Match}). The one reading of
 * them for every service that answers conditional requests.
 */
public final class EntityTags {
    private EntityTags() {
    }

    /**
     * The entity tags of a list, each as sent, quotes included. A member that is no entity tag (unquoted, cut off)
     * is left out: it matches nothing. A comma inside quotes belongs to its tag.
     */
    public static List<String> tags(String value) {
        List<String> tags = new ArrayList<>();
        if (value == null) {
            return tags;
        }
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == ',' || Character.isWhitespace(c)) {
                i++;
                continue;
            }
            boolean weak = value.startsWith("W/", i);
            int open = weak ? i + 2 : i;
            int close = open < value.length() && value.charAt(open) == '"' ? value.indexOf('"', open + 1) : -1;
            if (close < 0) {
                // not an entity tag: skipped to the next member
                int comma = value.indexOf(',', i);
                i = comma < 0 ? value.length() : comma + 1;
                continue;
            }
            tags.add(value.substring(i, close + 1));
            i = close + 1;
        }
        return tags;
    }

    /**
     * RFC 9110 §8.8.3.2: both tags strong and the same character for character. A weak tag never matches, not
     * even itself: it does not promise the same bytes.
     */
    public static boolean strongMatch(String tag, String etag) {
        if (tag == null || etag == null) {
            return false;
        }
        String candidate = tag.strip();
        return !candidate.startsWith("W/") && !etag.startsWith("W/") && candidate.equals(etag);
    }

    /** Weak comparison: the same opaque tag, either or both marked {@code W/}. */
    public static boolean weakMatch(String tag, String etag) {
        return tag != null && etag != null && opaque(tag.strip()).equals(opaque(etag));
    }

    /** Whether {@code If-None-Match} names the resource's tag (weakly) or is {@code *}: for a GET, 304. */
    public static boolean noneMatchFails(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || etag == null) {
            return false;
        }
        return ifNoneMatch.strip().equals("*") || tags(ifNoneMatch).stream().anyMatch(tag -> weakMatch(tag, etag));
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
