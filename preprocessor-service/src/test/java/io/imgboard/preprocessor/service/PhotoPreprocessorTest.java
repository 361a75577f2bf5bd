package io.imgboard.preprocessor.service;

import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.RenditionSpec;
import io.imgboard.infra.Ports;
import io.imgboard.preprocessor.config.PreprocessorConfig;
import io.imgboard.preprocessor.config.S3Config;
import io.imgboard.preprocessor.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures that never reach the imaging core. The S3 outage is a real one: the endpoint is a port
 * nobody listens on, so every call is refused by the operating system.
 */
class PhotoPreprocessorTest {
    static SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    static PhotoPreprocessor preprocessor;

    @BeforeAll
    static void setUp() throws Exception {
        SmallRyeConfig config = config(Map.of());
        PreprocessorConfig preprocessorConfig = config.getConfigMapping(PreprocessorConfig.class);
        preprocessor = new PhotoPreprocessor(new ImagingEngine(preprocessorConfig),
                new ObjectStore(config.getConfigMapping(S3Config.class)), preprocessorConfig, metrics);
    }

    private static SmallRyeConfig config(Map<String, String> overrides) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                // Quarkus' own "10ms" / "5s" duration syntax, as in application.properties
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(PreprocessorConfig.class)
                .withMapping(S3Config.class)
                .withDefaultValue("imgboard.s3.endpoint", "http://127.0.0.1:" + Ports.free())
                .withDefaultValue("imgboard.s3.access-key", "test")
                .withDefaultValue("imgboard.s3.secret-key", "test-secret")
                .withDefaultValue("imgboard.preprocessor.retry.attempts", "3")
                .withDefaultValue("imgboard.preprocessor.retry.initial-backoff", "10ms");
        overrides.forEach(builder::withDefaultValue);
        return builder.build();
    }

    @Test
    void fewerRequestsInHandThanWorkersStopsTheStartNamingTheSetting() {
        for (String inHand : List.of("0", "1")) {
            SmallRyeConfig config = config(Map.of("imgboard.preprocessor.workers", "2",
                    "imgboard.preprocessor.requests-in-hand", inHand));
            PreprocessorConfig preprocessorConfig = config.getConfigMapping(PreprocessorConfig.class);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PhotoPreprocessor(
                    new ImagingEngine(preprocessorConfig), new ObjectStore(config.getConfigMapping(S3Config.class)),
                    preprocessorConfig, metrics));
            assertEquals("imgboard.preprocessor.requests-in-hand must be at least imgboard.preprocessor.workers (2), was "
                    + inHand, e.getMessage());
        }
        SmallRyeConfig noWorkers = config(Map.of("imgboard.preprocessor.workers", "0"));
        PreprocessorConfig preprocessorConfig = noWorkers.getConfigMapping(PreprocessorConfig.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PhotoPreprocessor(
                new ImagingEngine(preprocessorConfig), new ObjectStore(noWorkers.getConfigMapping(S3Config.class)),
                preprocessorConfig, metrics));
        assertEquals("workers must be at least 1, was 0", e.getMessage());
    }

    @Test
    void aPatienceThatIsNotPositiveStopsTheStartNamingTheSetting() {
        SmallRyeConfig config = config(Map.of("imgboard.preprocessor.complete-stage-patience", "0s"));
        PreprocessorConfig preprocessorConfig = config.getConfigMapping(PreprocessorConfig.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PhotoPreprocessor(
                new ImagingEngine(preprocessorConfig), new ObjectStore(config.getConfigMapping(S3Config.class)),
                preprocessorConfig, metrics));
        assertEquals("imgboard.preprocessor.complete-stage-patience must be positive, was PT0S", e.getMessage());
        // The counter of stages that ran out of it is on the service's metrics from the start.
        assertEquals(0.0, metrics.get("imgboard.preprocessor.impatient").functionCounter().count());
    }

    @Test
    void anS3OutageEndsInARetryableFailureAfterTheRetries() {
        ProcessRequested request = request("originals/ab/" + "ab".repeat(32), List.of());

        ProcessingFailed failed = assertInstanceOf(ProcessingFailed.class, preprocessor.process(request));

        assertFalse(failed.permanent());
        assertTrue(failed.reason().startsWith("storage unavailable after 3 attempts: "), failed.reason());
        assertEquals(request.eventId(), failed.requestId());
        assertEquals(request.photoId(), failed.photoId());
        assertTrue(metrics.counter("imgboard.preprocessor.results", "outcome", "failed").count() >= 1);
    }

    @Test
    void aRequestWithoutAnOriginalIsRefused() {
        ProcessingFailed failed = assertInstanceOf(ProcessingFailed.class, preprocessor.process(request(" ", List.of())));

        assertTrue(failed.permanent());
        assertEquals("the request names no original", failed.reason());
    }

    @Test
    void anImpossibleRenditionSpecIsRefusedWithTheReason() {
        ProcessingFailed failed = assertInstanceOf(ProcessingFailed.class, preprocessor.process(
                request("originals/ab/x", List.of(new RenditionSpec("huge", 20000, 100, 80)))));

        assertTrue(failed.permanent());
        assertTrue(failed.reason().startsWith("invalid rendition spec: rendition huge: width and height must be 1-16383"), failed.reason());
    }

    @Test
    void aRenditionNameTwiceIsRefused() {
        ProcessingFailed failed = assertInstanceOf(ProcessingFailed.class, preprocessor.process(request("originals/ab/x",
                List.of(new RenditionSpec("a", 100, 100, 80), new RenditionSpec("a", 200, 200, 80)))));

        assertTrue(failed.permanent());
        assertTrue(failed.reason().startsWith("invalid rendition spec: a rendition name appears twice"), failed.reason());
    }

    @Test
    void originalsLeftByAKilledProcessAreDeletedAtStartUpAndNothingElse(@TempDir Path workDir) throws Exception {
        Path originals = Files.createDirectories(workDir.resolve(PhotoPreprocessor.ORIGINALS_DIR));
        Path leftover1 = Files.write(originals.resolve("original-" + UUID.randomUUID() + "-123"), new byte[]{1});
        Path leftover2 = Files.write(originals.resolve("original-" + UUID.randomUUID() + "-456"), new byte[]{2});
        Path notOurs = Files.write(originals.resolve("notes.txt"), new byte[]{3});
        Path besideIt = Files.write(workDir.resolve("original-of-someone-else"), new byte[]{4});

        preprocessorIn(workDir);

        assertFalse(Files.exists(leftover1));
        assertFalse(Files.exists(leftover2));
        assertTrue(Files.exists(notOurs), "only original-* files are ours");
        assertTrue(Files.exists(besideIt), "the work dir itself is not touched, only our sub-directory");

        // A second preprocessor on the same work dir (the first one still holds it) must not delete
        // the downloads the first one is working on.
        Path inFlight = Files.write(originals.resolve("original-" + UUID.randomUUID() + "-789"), new byte[]{5});
        preprocessorIn(workDir);
        assertTrue(Files.exists(inFlight));
    }

    private static PhotoPreprocessor preprocessorIn(Path workDir) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(PreprocessorConfig.class)
                .withMapping(S3Config.class)
                .withDefaultValue("imgboard.preprocessor.work-dir", workDir.toString())
                .withDefaultValue("imgboard.s3.access-key", "test")
                .withDefaultValue("imgboard.s3.secret-key", "test-secret")
                .build();
        PreprocessorConfig preprocessorConfig = config.getConfigMapping(PreprocessorConfig.class);
        return new PhotoPreprocessor(new ImagingEngine(preprocessorConfig),
                new ObjectStore(config.getConfigMapping(S3Config.class)), preprocessorConfig, metrics);
    }

    private static ProcessRequested request(String originalKey, List<RenditionSpec> renditions) {
        return new ProcessRequested(UUID.randomUUID(), Instant.now(), UUID.randomUUID(), "ab".repeat(32), originalKey,
                "image/jpeg", renditions, ProcessRequested.Reason.REPROCESS);
    }
}
