package io.imgboard.ingest.rest;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code If:} header of RFC 4918 §10.4, parsed: lists of conditions, each list optionally tagged
 * with the resource it is about. Lists for one resource are alternatives; the conditions of a list
 * must all hold.
 */
record DavIf(List<Tagged> lists) {

    /** A state token ({@code <opaquelocktoken:…>}) or an entity tag ({@code ["…"]}), maybe negated. */
    record Condition(boolean not, String token, String etag) {
    }

    /** @param resource the tag's URL, or null for the request URL */
    record Tagged(String resource, List<Condition> conditions) {
    }

    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    static DavIf parse(String header) throws Malformed {
        List<Tagged> lists = new ArrayList<>();
        if (header == null) {
            return new DavIf(lists);
        }
        String h = header.strip();
        int i = 0;
        String tag = null;
        while (i < h.length()) {
            char c = h.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '<') {
                int end = h.indexOf('>', i);
                if (end < 0) {
                    throw new Malformed("unterminated resource tag in the If header");
                }
                tag = h.substring(i + 1, end);
                i = end + 1;
            } else if (c == '(') {
                int end = h.indexOf(')', i);
                if (end < 0) {
                    // litmus 0.13 cuts long If headers off (a fixed-size buffer; a SHA-256 ETag makes them
                    // long): the cut list is read as far as it goes. A cut entity tag matches nothing.
                    end = h.length();
                }
                lists.add(new Tagged(tag, conditions(h.substring(i + 1, end))));
                i = end + 1;
            } else {
                throw new Malformed("unexpected '" + c + "' in the If header");
            }
        }
        return new DavIf(lists);
    }

    private static List<Condition> conditions(String list) throws Malformed {
        List<Condition> out = new ArrayList<>();
        int i = 0;
        boolean not = false;
        while (i < list.length()) {
            char c = list.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (list.startsWith("Not", i) || list.startsWith("not", i)) {
                not = true;
                i += 3;
            } else if (c == '<') {
                int end = list.indexOf('>', i);
                if (end < 0) {
                    throw new Malformed("unterminated state token in the If header");
                }
                out.add(new Condition(not, list.substring(i + 1, end), null));
                not = false;
                i = end + 1;
            } else if (c == '[') {
                int end = list.indexOf(']', i);
                if (end < 0) {
                    end = list.length(); // cut off (see parse): a partial tag that matches no entity
                    out.add(new Condition(not, null, list.substring(i + 1, end).strip() + " (cut off)"));
                    not = false;
                    i = end;
                    continue;
                }
                out.add(new Condition(not, null, list.substring(i + 1, end).strip()));
                not = false;
                i = end + 1;
            } else {
                throw new Malformed("unexpected '" + c + "' in a list of the If header");
            }
        }
        if (out.isEmpty()) {
            throw new Malformed("empty list in the If header");
        }
        return out;
    }

    boolean present() {
        return !lists.isEmpty();
    }

    /** Every lock token the client named (not negated): the locks it claims to hold. */
    List<String> submittedTokens() {
        List<String> out = new ArrayList<>();
        for (Tagged t : lists) {
            for (Condition c : t.conditions()) {
                if (c.token() != null && !c.not()) {
                    out.add(c.token());
                }
            }
        }
        return out;
    }
}
