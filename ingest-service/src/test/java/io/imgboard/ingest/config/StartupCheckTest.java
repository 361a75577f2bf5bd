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
        assertEquals(List.of(), StartupCheck.problems(Optional.of("0123456789abcdef"), KEY, KEY));
    }

    @Test
    void missingTokenIsNamedWithItsEnvironmentVariable() {
        List<String> problems = StartupCheck.problems(Optional.empty(), KEY, KEY);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("IMGBOARD_UPLOAD_TOKEN"), problems.get(0));
        assertEquals(problems, StartupCheck.problems(Optional.of("   "), KEY, KEY));
    }

    @Test
    void shortTokenIsRefused() {
        List<String> problems = StartupCheck.problems(Optional.of("0123456789abcde"), KEY, KEY);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("15 characters"), problems.get(0));
        assertTrue(problems.get(0).contains("at least 16"), problems.get(0));
    }

    @Test
    void missingS3CredentialsAreNamed() {
        List<String> problems = StartupCheck.problems(Optional.of("0123456789abcdef"), Optional.empty(), Optional.of(""));
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).contains("IMGBOARD_S3_ACCESS_KEY"));
        assertTrue(problems.get(1).contains("IMGBOARD_S3_SECRET_KEY"));
    }
}
