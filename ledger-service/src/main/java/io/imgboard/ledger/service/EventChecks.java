package io.imgboard.ledger.service;

import io.imgboard.events.FileEvent;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Boundary checks for consumed events, before anything reaches the database: a value PostgreSQL
 * would refuse (a NUL), an absurd length or a null inside a list is a broken contract, so the event
 * goes to the dead-letter topic at once instead of failing its transaction again and again.
 */
final class EventChecks {
    static final int MAX_SOURCE_ID = 256;
    static final int MAX_PATH = 4096;
    static final int MAX_NAME = 1024;
    static final int MAX_TEXT = 4096;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private EventChecks() {
    }

    /** Required text: present, not blank, no control characters, at most {@code max} characters. */
    static String text(String value, String field, int max, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(what + " without " + field);
        }
        return optionalText(value, field, max, what);
    }

    /** Optional text: null is fine, otherwise as {@link #text}. */
    static String optionalText(String value, String field, int max, String what) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw new InvalidEventException(what + " with a " + field + " of " + value.length()
                    + " characters; at most " + max + " are accepted");
        }
        int c = FileEvent.forbiddenCharacter(value);
        if (c >= 0) {
            throw new InvalidEventException(what + " with a control character (U+" + String.format("%04X", c)
                    + ") in its " + field);
        }
        return value;
    }

    /**
     * An operator's folder path: absolute, no {@code ..} part, no control characters, at most
     * {@link #MAX_PATH} characters. It only names the folder to ingest, which checks it against its own
     * allowed roots; the ledger never touches the file system.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static void checkPath(String path) {
        if (path.length() > MAX_PATH) {
            throw new IllegalArgumentException("path is longer than " + MAX_PATH + " characters");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must be absolute (start with /)");
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("path must not contain control characters");
        }
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw new IllegalArgumentException("path must not contain ..");
            }
        }
    }

    /** Free text from another service (a failure reason): control characters become spaces, long text is cut. */
    static String cleanText(String value, int max) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return out.toString();
    }

    static String sha256(String sha256, String what) {
        String normalized = sha256 == null ? "" : sha256.toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(normalized).matches()) {
            throw new InvalidEventException(what + " with a malformed sha256: " + cleanText(sha256, 80));
        }
        return normalized;
    }

    static <T> List<T> noNulls(List<T> list, String field, String what) {
        if (list == null) {
            throw new InvalidEventException(what + " without " + field);
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new InvalidEventException(what + " with null at " + field + "[" + i + "]");
            }
        }
        return list;
    }
}
