package io.imgboard.preprocessor.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The settings that once stopped the start with a 30-180-frame stack trace: now one line naming each variable. */
class StartupCheckTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);

    @Test
    void theDefaultsAreFine() {
        assertEquals(List.of(), StartupCheck.problems(2, 32, 2, 2, 100_000_000, 268_435_456, 32, MINUTE, 10,
                "http://127.0.0.1:9000"));
    }

    @Test
    void eachBadSettingIsNamedWithItsVariable() {
        assertEquals(List.of("IMGBOARD_PREPROCESSOR_WORKERS (imgboard.preprocessor.workers) is 0: give at least 1"),
                StartupCheck.problems(0, 32, 2, 2, 100, 100, 32, MINUTE, 10, "http://s3:9000"));
        assertEquals(List.of("IMGBOARD_PREPROCESSOR_VIPS_CONCURRENCY (imgboard.preprocessor.vips-concurrency) is 0: give at least 1"),
                StartupCheck.problems(2, 32, 0, 2, 100, 100, 32, MINUTE, 10, "http://s3:9000"));
        assertEquals(List.of("IMGBOARD_PREPROCESSOR_WEBP_EFFORT (imgboard.preprocessor.webp-effort) is 9: give 0 to 6 (libwebp's effort)"),
                StartupCheck.problems(2, 32, 2, 9, 100, 100, 32, MINUTE, 10, "http://s3:9000"));
        assertEquals(List.of("IMGBOARD_PREPROCESSOR_MAX_PIXELS (imgboard.preprocessor.max-pixels) is 0: give at least 1"),
                StartupCheck.problems(2, 32, 2, 2, 0, 100, 32, MINUTE, 10, "http://s3:9000"));
        assertEquals(List.of("IMGBOARD_PREPROCESSOR_COMPLETE_STAGE_PATIENCE (imgboard.preprocessor.complete-stage-patience)"
                        + " is PT0S: give a positive duration, e.g. 60s"),
                StartupCheck.problems(2, 32, 2, 2, 100, 100, 32, Duration.ZERO, 10, "http://s3:9000"));
        assertEquals(List.of("IMGBOARD_PREPROCESSOR_REQUESTS_IN_HAND (imgboard.preprocessor.requests-in-hand) is 1: give"
                        + " at least IMGBOARD_PREPROCESSOR_WORKERS (imgboard.preprocessor.workers) (2)"),
                StartupCheck.problems(2, 1, 2, 2, 100, 100, 32, MINUTE, 10, "http://s3:9000"));
        assertEquals(1, StartupCheck.problems(2, 32, 2, 2, 100, 100, 32, MINUTE, 20, "http://s3:9000").size());
    }

    @Test
    void anS3EndpointWithoutSchemeIsRefused() {
        assertNull(StartupCheck.endpointProblem("https://minio.example:9000"));
        assertEquals("IMGBOARD_S3_ENDPOINT (imgboard.s3.endpoint) 127.0.0.1:9000 is not an http:// or https:// URL with a"
                + " host, e.g. http://127.0.0.1:9000", StartupCheck.endpointProblem("127.0.0.1:9000"));
        assertEquals(1, StartupCheck.problems(2, 32, 2, 2, 100, 100, 32, MINUTE, 10, "minio:9000").size());
        assertEquals(1, StartupCheck.problems(2, 32, 2, 2, 100, 100, 32, MINUTE, 10, "ftp://minio:9000").size());
    }
}
