package io.imgboard.ingest.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupCheckTest {
    private static final Optional<String> KEY = Optional.of("imgboard");

    @Test
    void allSetIsFine() {
        assertEquals(List.of(), StartupCheck.problems(Optional.of("0123456789abcdef"), Optional.empty(), KEY, KEY));
    }

    @Test
    void missingTokenIsNamedWithItsEnvironmentVariable() {
        List<String> problems = StartupCheck.problems(Optional.empty(), Optional.empty(), KEY, KEY);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("IMGBOARD_UPLOAD_TOKEN"), problems.get(0));
        assertEquals(problems, StartupCheck.problems(Optional.of("   "), Optional.empty(), KEY, KEY));
    }

    @Test
    void shortTokenIsRefused() {
        List<String> problems = StartupCheck.problems(Optional.of("0123456789abcde"), Optional.empty(), KEY, KEY);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("15 characters"), problems.get(0));
        assertTrue(problems.get(0).contains("at least 16"), problems.get(0));
    }

    @Test
    void missingS3CredentialsAreNamed() {
        List<String> problems = StartupCheck.problems(Optional.of("0123456789abcdef"), Optional.empty(), Optional.empty(), Optional.of(""));
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).contains("IMGBOARD_S3_ACCESS_KEY"));
        assertTrue(problems.get(1).contains("IMGBOARD_S3_SECRET_KEY"));
    }

    /** The admin token is optional; when set it is as long as the others, and not the upload token. */
    @Test
    void aShortAdminTokenOrTheUploadTokenAsAdminIsRefused() {
        String upload = "0123456789abcdef";
        assertEquals(List.of(), StartupCheck.problems(Optional.of(upload), Optional.of("fedcba9876543210"), KEY, KEY));
        List<String> tooShort = StartupCheck.problems(Optional.of(upload), Optional.of("a"), KEY, KEY);
        assertEquals(1, tooShort.size());
        assertTrue(tooShort.get(0).contains("IMGBOARD_ADMIN_TOKEN") && tooShort.get(0).contains("1 characters"), tooShort.get(0));
        List<String> same = StartupCheck.problems(Optional.of(upload), Optional.of(" " + upload), KEY, KEY);
        assertEquals(1, same.size());
        assertTrue(same.get(0).contains("is the upload token"), same.get(0));
    }
}
