package io.imgboard.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service in the prod profile has no default secrets: without a usable token it must
 * not start, and must say why. No broker or S3 server is needed to see that.
 */
class StartupRefusalIT {

    @Test
    void refusesToStartWithoutAToken(@TempDir Path dir) throws Exception {
        try (PackagedService service = PackagedService.start(dir,
                Map.of("IMGBOARD_S3_ACCESS_KEY", "a", "IMGBOARD_S3_SECRET_KEY", "b"), Map.of())) {
            assertNotEquals(0, service.awaitExit());
            String output = service.output();
            assertTrue(output.contains("ingest-service cannot start: no upload token: set IMGBOARD_UPLOAD_TOKEN"), output);
        }
    }

    @Test
    void refusesToStartWithAShortTokenAndNoS3Credentials(@TempDir Path dir) throws Exception {
        try (PackagedService service = PackagedService.start(dir, Map.of("IMGBOARD_UPLOAD_TOKEN", "too-short"), Map.of())) {
            assertNotEquals(0, service.awaitExit());
            String output = service.output();
            assertTrue(output.contains("has 9 characters; it needs at least 16"), output);
            assertTrue(output.contains("IMGBOARD_S3_ACCESS_KEY"), output);
            assertTrue(output.contains("IMGBOARD_S3_SECRET_KEY"), output);
        }
    }

    private static final Map<String, String> SECRETS = Map.of("IMGBOARD_UPLOAD_TOKEN", "0123456789abcdef",
            "IMGBOARD_S3_ACCESS_KEY", "a", "IMGBOARD_S3_SECRET_KEY", "b");

    /** Each refusal is one line naming the variable, not a stack trace (and not a service that refuses every upload). */
    @Test
    void refusesUploadLimitsBelowOneAndABadSourcesListAndSessionTimeoutInOneLine(@TempDir Path dir) throws Exception {
        assertRefused(dir.resolve("limits"), Map.of("IMGBOARD_UPLOAD_MAX_FILES", "-5", "IMGBOARD_UPLOAD_SPOOL_SIZE", "0"),
                "ingest-service cannot start: IMGBOARD_UPLOAD_MAX_FILES (imgboard.upload.max-files) is -5");
        assertRefused(dir.resolve("sources"), Map.of("IMGBOARD_SOURCES", "ok=" + dir + ";" + dir.resolve("upper")),
                "ingest-service cannot start: IMGBOARD_SOURCES entry \"" + dir.resolve("upper") + "\" is not id=path");
        assertRefused(dir.resolve("session"), Map.of("IMGBOARD_KAFKA_SESSION_TIMEOUT_MS", "10s"),
                "ingest-service cannot start: IMGBOARD_KAFKA_SESSION_TIMEOUT_MS=10s is not a number of milliseconds");
    }

    private static void assertRefused(Path dir, Map<String, String> setting, String line) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Map<String, String> env = new java.util.HashMap<>(SECRETS);
        env.putAll(setting);
        try (PackagedService service = PackagedService.start(dir, env, Map.of())) {
            assertNotEquals(0, service.awaitExit());
            String output = service.output();
            assertTrue(output.contains(line), output);
            assertTrue(!output.contains("\tat "), "no stack trace: " + output);
        }
    }
}
