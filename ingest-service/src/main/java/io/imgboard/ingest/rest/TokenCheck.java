package io.imgboard.ingest.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Compares a presented bearer token with the configured one in constant time. Both are hashed
 * first, so neither the position of the first wrong character nor the token's length shows in the
 * time an answer takes.
 */
final class TokenCheck {
    private static final String BEARER = "bearer ";
    private final byte[] expected;

    TokenCheck(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no upload token configured");
        }
        this.expected = sha256(token.strip());
    }

    /** @param authorization the {@code Authorization} header, may be null */
    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            // still compare, so a missing header costs what a wrong one costs
            MessageDigest.isEqual(sha256(""), expected);
            return false;
        }
        return MessageDigest.isEqual(sha256(authorization.substring(BEARER.length()).strip()), expected);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
