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

    /** Limits that would refuse every upload (before: 400, 413, 429 or 507 to each one, forever). */
    @Test
    void uploadLimitsBelowOneAreRefusedNamingTheirVariable() {
        assertEquals(List.of(), StartupCheck.limitProblems(100, 200L << 20, 128, 16, Optional.empty()));
        assertEquals(List.of(), StartupCheck.limitProblems(1, 1, 1, 1, Optional.of(1L)));
        List<String> problems = StartupCheck.limitProblems(-5, 0, 0, 0, Optional.of(0L));
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("IMGBOARD_UPLOAD_MAX_FILES (imgboard.upload.max-files) is -5, so every upload"
                + " would be refused: give at least 1"), problems.get(0));
        assertTrue(problems.get(1).startsWith("IMGBOARD_UPLOAD_MAX_SIZE"), problems.get(1));
        assertTrue(problems.get(2).startsWith("IMGBOARD_UPLOAD_MAX_IN_FLIGHT "), problems.get(2));
        assertTrue(problems.get(3).startsWith("IMGBOARD_UPLOAD_MAX_IN_FLIGHT_PER_CLIENT"), problems.get(3));
        assertTrue(problems.get(4).startsWith("IMGBOARD_UPLOAD_SPOOL_SIZE"), problems.get(4));
    }
}
