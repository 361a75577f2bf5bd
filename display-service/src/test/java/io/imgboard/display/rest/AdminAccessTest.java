package io.imgboard.display.rest;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which token the admin and ops APIs want, and what they answer without it. */
class AdminAccessTest {

    @Test
    void theAdminTokenWinsOverTheUploadToken() {
        AdminAccess access = new AdminAccess(Optional.of("admin-secret"), Optional.of("upload-secret"));
        assertTrue(access.refusal("Bearer admin-secret").isEmpty());
        assertEquals(401, access.refusal("Bearer upload-secret").orElseThrow().getStatus());
        assertEquals(401, access.refusal(null).orElseThrow().getStatus());
    }

    @Test
    void withoutAnAdminTokenTheUploadTokenIsUsed() {
        for (Optional<String> unset : java.util.List.of(Optional.<String>empty(), Optional.of("  "))) {
            AdminAccess access = new AdminAccess(unset, Optional.of("upload-secret"));
            assertTrue(access.refusal("Bearer upload-secret").isEmpty());
            assertEquals(401, access.refusal("Bearer admin-secret").orElseThrow().getStatus());
        }
    }

    @Test
    void withNeitherTheApisAre503SayingSo() {
        AdminAccess access = new AdminAccess(Optional.empty(), Optional.of(""));
        var refusal = access.refusal("Bearer anything").orElseThrow();
        assertEquals(503, refusal.getStatus());
        assertEquals(new ErrorBody("admin token not configured", 503), refusal.getEntity());
    }
}
