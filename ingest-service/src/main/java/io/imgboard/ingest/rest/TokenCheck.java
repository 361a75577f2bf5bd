package io.imgboard.ingest.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Takes the secret out of an {@code Authorization} header: the token of {@code Bearer <token>}, or
 * the password of {@code Basic base64(user:password)} (WebDAV clients know only Basic; the user name
 * is ignored). Whose secret it is, is {@code Credentials}' question.
 *
 * <p>Basic is taken on WebDAV's paths only ({@link #bearer} elsewhere): a browser that was given
 * WebDAV's Basic challenge sends those credentials on its own with every later request to the
 * origin, so a page planted in the WebDAV tree could otherwise use them on the REST APIs.
 */
final class TokenCheck {
    private static final String BEARER = "bearer ";
    private static final String BASIC = "basic ";

    private TokenCheck() {
    }

    /** @return the secret, or null when the header is missing or malformed */
    static String secret(String authorization) {
        if (authorization == null) {
            return null;
        }
        String lower = authorization.length() > 6 ? authorization.substring(0, 7).toLowerCase(Locale.ROOT) : "";
        if (lower.startsWith(BEARER)) {
            return nonBlank(authorization.substring(BEARER.length()).strip());
        }
        if (lower.startsWith(BASIC)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).strip()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? null : nonBlank(decoded.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** The token of a {@code Bearer} header only; null for anything else, Basic included. */
    static String bearer(String authorization) {
        return authorization != null && authorization.length() > 6
                && authorization.substring(0, 7).toLowerCase(Locale.ROOT).startsWith(BEARER) ? secret(authorization) : null;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
