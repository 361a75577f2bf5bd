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
}
