package io.imgboard.ingest.rest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenCheckTest {
    private final TokenCheck check = new TokenCheck("s3cret-token-0123456789");

    @Test
    void acceptsTheBearerToken() {
        assertTrue(check.accepts("Bearer s3cret-token-0123456789"));
        assertTrue(check.accepts("bearer s3cret-token-0123456789"), "the scheme is case-insensitive");
        assertTrue(check.accepts("Bearer  s3cret-token-0123456789 "));
    }

    @Test
    void refusesEverythingElse() {
        assertFalse(check.accepts(null));
        assertFalse(check.accepts(""));
        assertFalse(check.accepts("Bearer "));
        assertFalse(check.accepts("Bearer s3cret-token-012345678"));
        assertFalse(check.accepts("Bearer s3cret-token-01234567890"));
        assertFalse(check.accepts("Bearer S3CRET-TOKEN-0123456789"));
        assertFalse(check.accepts("Basic s3cret-token-0123456789"));
        assertFalse(check.accepts("s3cret-token-0123456789"));
    }

    @Test
    void needsAToken() {
        assertThrows(IllegalArgumentException.class, () -> new TokenCheck(null));
        assertThrows(IllegalArgumentException.class, () -> new TokenCheck(" "));
    }
}
