package io.imgboard.ingest.service;

import io.imgboard.events.Topics;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.Ports;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.ingest.FilesTopic;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.storage.TestStores;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up warm-up against the real S3 server and broker: it runs the upload's hot path, sends
 * its one record to {@code imgboard.warm-up} (which no service reads) and leaves nothing else anyone
 * could see (no object, no record on {@code imgboard.files}, no refusal, no file); when S3 cannot be
 * reached it says so and returns, and never throws.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
class StartupWarmUpTest {
    @Inject
    StartupWarmUp warmUp;
    @Inject
    OriginalStore store;
    @Inject
    Rejections rejections;
    @Inject
    KafkaClientService kafka;
    @Inject
    FileEventPublisher events;

    @Test
    void warmsUpWithoutStoringSendingOrRecordingAnything() throws Exception {
        try (FilesTopic files = new FilesTopic(); FilesTopic warmUps = new FilesTopic(Topics.WARM_UP)) {
            int records = files.size();
            List<String> sent = new ArrayList<>(warmUps.keysOf("upload:warm-up"));
            long objects = objectsInOriginals();
            List<Rejections.Rejection> refused = rejections.recent();
            List<Path> tempFiles = warmUpFiles();

            assertTrue(warmUp.warmUp(), "every step of the warm-up should succeed against the real servers");

            assertEquals(records, files.size(), "the warm-up sent a record to " + Topics.FILES);
            // its one record, a file event written by the file events' own serializer, where nobody reads
            sent.add("ingest");
            assertEquals(sent, warmUps.keysOf("upload:warm-up"), "the warm-up's records on " + Topics.WARM_UP);
            assertEquals(objects, objectsInOriginals(), "the warm-up stored an object");
            assertEquals(refused, rejections.recent(), "the warm-up recorded a refusal");
            assertEquals(tempFiles, warmUpFiles(), "the warm-up left its file behind");
        }
    }

    @Test
    void aWarmUpThatCannotReachS3FailsQuietly() throws Exception {
        int deadPort = Ports.free();
        OriginalStore unreachable = TestStores.at("http://127.0.0.1:" + deadPort, "originals-nowhere");
        StartupWarmUp failing = new StartupWarmUp(unreachable, kafka, events);
        List<Path> tempFiles = warmUpFiles();

        assertFalse(failing.warmUp(), "a warm-up whose S3 step failed should say so");
        assertEquals(tempFiles, warmUpFiles(), "the warm-up left its file behind");
    }

    private long objectsInOriginals() throws Exception {
        Endpoints endpoints = LocalInfraResource.shared().endpoints();
        try (MinioClient s3 = MinioClient.builder().endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).region("us-east-1").build()) {
            store.ensureBucket();
            long count = 0;
            for (var ignored : s3.listObjects(ListObjectsArgs.builder().bucket(store.bucket()).recursive(true).build())) {
                count++;
            }
            return count;
        }
    }

    private static List<Path> warmUpFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("imgboard-warm-up-")).sorted().toList();
        }
    }
}
