package io.imgboard.ingest.rest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TokenCheckTest {

    private static String basic(String userPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void takesTheBearerToken() {
        assertEquals("s3cret", TokenCheck.secret("Bearer s3cret"));
        assertEquals("s3cret", TokenCheck.secret("bearer s3cret"), "the scheme is case-insensitive");
        assertEquals("s3cret", TokenCheck.secret("Bearer  s3cret "));
    }

    @Test
    void takesTheBasicPasswordWhateverTheUser() {
        assertEquals("s3cret", TokenCheck.secret(basic("anna:s3cret")));
        assertEquals("pa:ss", TokenCheck.secret(basic(":pa:ss")), "the first colon ends the user name");
    }

    @Test
    void refusesEverythingElse() {
        assertNull(TokenCheck.secret(null));
        assertNull(TokenCheck.secret(""));
        assertNull(TokenCheck.secret("Bearer "));
        assertNull(TokenCheck.secret("Bearer    "));
        assertNull(TokenCheck.secret("s3cret"));
        assertNull(TokenCheck.secret("Digest s3cret"));
        assertNull(TokenCheck.secret("Basic !!!not-base64"));
        assertNull(TokenCheck.secret(basic("no-colon")));
        assertNull(TokenCheck.secret(basic("anna:")));
    }
}
