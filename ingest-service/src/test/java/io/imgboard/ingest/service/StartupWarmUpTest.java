package io.imgboard.ingest.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.Topics;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.Ports;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.storage.TestStores;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up warm-up against the real S3 server and broker: it runs the upload's hot path and
 * leaves nothing anyone could see (no object, no record on {@code imgboard.files}, no refusal, no
 * file); when S3 cannot be reached it says so and returns, and never throws.
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
    ObjectMapper mapper;

    @Test
    void warmsUpWithoutStoringSendingOrRecordingAnything() throws Exception {
        long records = filesTopicEnd();
        long objects = objectsInOriginals();
        List<Rejections.Rejection> refused = rejections.recent();
        List<Path> tempFiles = warmUpFiles();

        assertTrue(warmUp.warmUp(), "every step of the warm-up should succeed against the real servers");

        assertEquals(records, filesTopicEnd(), "the warm-up sent a record to " + Topics.FILES);
        assertEquals(objects, objectsInOriginals(), "the warm-up stored an object");
        assertEquals(refused, rejections.recent(), "the warm-up recorded a refusal");
        assertEquals(tempFiles, warmUpFiles(), "the warm-up left its file behind");
    }

    @Test
    void aWarmUpThatCannotReachS3FailsQuietly() throws Exception {
        int deadPort = Ports.free();
        OriginalStore unreachable = TestStores.at("http://127.0.0.1:" + deadPort, "originals-nowhere");
        StartupWarmUp failing = new StartupWarmUp(unreachable, kafka, mapper);
        List<Path> tempFiles = warmUpFiles();

        assertFalse(failing.warmUp(), "a warm-up whose S3 step failed should say so");
        assertEquals(tempFiles, warmUpFiles(), "the warm-up left its file behind");
    }

    private static long filesTopicEnd() {
        Endpoints endpoints = LocalInfraResource.shared().endpoints();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.FILES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
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
