package io.imgboard.ingest.rest;

import io.imgboard.events.FileSkipped;
import io.imgboard.ingest.FilesTopic;
import io.imgboard.ingest.TestImages;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.messaging.ScriptedPublisher;
import io.imgboard.ingest.rest.UploadResponse.FileResult;
import io.imgboard.ingest.service.Rejections;
import io.imgboard.ingest.service.UploadService;
import io.imgboard.ingest.service.UploadServices;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.storage.TestStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What the other files of a request get when S3 or Kafka fails for one: the resource and the
 * service called directly, with the real S3 server and Kafka broker, and a publisher that fails
 * chosen sends (or a store whose server is gone). The packaged service with no broker at all is
 * {@code KafkaUnreachableIT}.
 */
@QuarkusTest
class UploadPartialFailureTest {
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(20);
    private static FilesTopic topic;

    @Inject
    OriginalStore store;
    @Inject
    FileEventPublisher publisher;
    @Inject
    Rejections rejections;
    @Inject
    MeterRegistry registry;
    @Inject
    io.imgboard.ingest.config.UploadConfig uploadConfig;

    @BeforeAll
    static void connect() {
        topic = new FilesTopic();
    }

    @AfterAll
    static void disconnect() {
        topic.close();
    }

    @Test
    void aFileKafkaDidNotTakeFailsAloneAndTheOthersKeepTheirResults(@TempDir Path dir) {
        byte[] first = TestImages.jpeg(31);
        byte[] second = TestImages.jpeg(32);
        byte[] third = TestImages.jpeg(33);
        UploadResource resource = resource(store, ScriptedPublisher.failing(publisher, 2));
        double failedBefore = failedCount();

        RestResponse<UploadResponse> response = resource.uploadAs(null, List.of(part(dir, "first.jpg", first),
                part(dir, "second.jpg", second), part(dir, "third.jpg", third)), null, null, null);

        assertEquals(207, response.getStatus(), "two of three files were accepted, one not");
        UploadResponse body = response.getEntity();
        assertEquals("1 of 3 files not stored, the first second.jpg: could not announce the file: Kafka unavailable, retry later",
                body.error());
        assertEquals(207, body.status());
        assertEquals(List.of("created", "failed", "created"), statuses(body));
        FileResult failed = body.files().get(1);
        assertEquals("second.jpg", failed.name());
        assertEquals(TestImages.sha256(second), failed.sha256());
        assertEquals(UploadService.KAFKA_UNAVAILABLE, failed.error());
        assertEquals("could not announce the file: Kafka unavailable, retry later", failed.error());
        assertNull(body.files().get(0).error());
        assertEquals(failedBefore + 1, failedCount());

        await().atMost(KAFKA_WAIT).until(() -> topic.arrivalsOf(TestImages.sha256(first)), a -> a.size() == 1);
        await().atMost(KAFKA_WAIT).until(() -> topic.arrivalsOf(TestImages.sha256(third)), a -> a.size() == 1);
        assertEquals(List.of(), topic.allArrivalsNowOf(TestImages.sha256(second)), "the failed file was not announced");
    }

    @Test
    void withNoFileAcceptedAFailureIs503AndEveryFileHasItsResult(@TempDir Path dir) {
        byte[] a = TestImages.jpeg(34);
        byte[] b = TestImages.jpeg(35);
        UploadResource resource = resource(TestStores.at("http://127.0.0.1:1", "imgboard-originals"), publisher);

        RestResponse<UploadResponse> response = resource.uploadAs(null, List.of(part(dir, "notes.jpg", "a list".getBytes()),
                part(dir, "a.jpg", a), part(dir, "b.jpg", b)), null, null, null);

        assertEquals(503, response.getStatus(), "nothing accepted and S3 failed: retry later, not 415");
        UploadResponse body = response.getEntity();
        assertEquals(503, body.status());
        assertEquals("storage unavailable, retry later", body.error());
        assertEquals(List.of("rejected", "failed", "failed"), statuses(body));
        assertEquals("not an image: the bytes look like text/plain", body.files().get(0).error());
        assertEquals(UploadService.STORAGE_UNAVAILABLE, body.files().get(1).error());
        assertEquals(UploadService.STORAGE_UNAVAILABLE, body.files().get(2).error());
        assertEquals(TestImages.sha256(b), body.files().get(2).sha256());
        assertEquals(List.of(), topic.allArrivalsNowOf(TestImages.sha256(a)), "not stored, so not announced");
    }

    /**
     * A file WebDAV keeps but does not make a photo of (a video) is announced as skipped only once its
     * bytes are stored: the client that was told 503 sends it again, and operators are not told of a
     * file that is not there.
     */
    @Test
    void aKeptFileIsAnnouncedOnlyOnceItsBytesAreStored(@TempDir Path dir) throws Exception {
        byte[] video = ("a video " + UUID.randomUUID()).getBytes();
        Path file = Files.write(dir.resolve("clip.mov"), video);
        String sourceId = "dav:keep-" + UUID.randomUUID().toString().substring(0, 8);
        UploadService.Intake intake = new UploadService.Intake(sourceId, "Camera/clip.mov", "clip.mov", file, null, null,
                null, null, UploadService.NonImages.KEEP, null);

        ScriptedPublisher watched = ScriptedPublisher.failing(publisher);
        UploadService.Outcome down = UploadServices.of(TestStores.at("http://127.0.0.1:1", "imgboard-originals"),
                watched, rejections, registry).intake(intake);
        assertEquals(UploadService.Status.FAILED, down.status());
        assertEquals(UploadService.STORAGE_UNAVAILABLE, down.error());
        assertEquals(0, watched.calls(), "nothing announced for bytes that were not stored");

        UploadService.Outcome kept = UploadServices.of(store, publisher, rejections, registry).intake(intake);
        assertEquals(UploadService.Status.SKIPPED, kept.status());
        try (java.io.InputStream in = store.open(kept.sha256())) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(video, in.readAllBytes(), "stored");
        }
        // one key, one partition: an event of the failed intake would have come before this one
        await().atMost(KAFKA_WAIT).until(() -> topic.of(sourceId, FileSkipped.class).size() == 1);
        assertEquals(1, topic.of(sourceId).size(), "the failed intake announced nothing: " + topic.of(sourceId));
    }

    private UploadResource resource(OriginalStore originals, FileEventPublisher events) {
        return new UploadResource(UploadServices.of(originals, events, rejections, registry), rejections, null, null,
                "target/imgboard-ingest-uploads", OpenTelemetry.noop(), uploadConfig);
    }

    private double failedCount() {
        return registry.get("imgboard.uploads").tag("status", "failed").counter().count();
    }

    private static List<String> statuses(UploadResponse body) {
        return body.files().stream().map(FileResult::status).toList();
    }

    /** A part as Quarkus hands it over: already spooled to a file. */
    private static FileUpload part(Path dir, String name, byte[] bytes) {
        try {
            return new SpooledPart(Files.write(Files.createTempFile(dir, "part", ".upload"), bytes), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record SpooledPart(Path filePath, String fileName) implements FileUpload {
        @Override
        public String name() {
            return "file";
        }

        @Override
        public long size() {
            try {
                return Files.size(filePath);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String contentType() {
            return "image/jpeg";
        }

        @Override
        public String charSet() {
            return null;
        }

        @Override
        public MultivaluedMap<String, String> getHeaders() {
            return new MultivaluedHashMap<>();
        }
    }
}
