package io.imgboard.preprocessor.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingResult;
import io.imgboard.events.Topics;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.preprocessor.imaging.TestImages;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * With several new photos waiting, every one's early result is on the results topic before any
 * one's complete result, and each complete stage is made at background priority. One worker, so the order is the gate's alone; the photos' ids are chosen
 * so their results share one partition of the real topic, whose order is then the order sent.
 */
@QuarkusTest
@QuarkusTestResource(LocalInfraResource.class)
@TestProfile(EarlyFirstTest.OneWorker.class)
class EarlyFirstTest {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    public static class OneWorker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imgboard.preprocessor.workers", "1");
        }
    }

    @Inject
    PhotoPreprocessor preprocessor;

    @Inject
    ImagingEngine engine;

    /** A 12 MP-class JPEG stored as an original; returns its sha256 (its key is {@link #keyOf}). */
    private static String storeOriginal(Endpoints endpoints, int seed) throws Exception {
        Path dir = Files.createTempDirectory("early-first-");
        // Large enough that the display rendition comes from a decode at 1/2 and the UHD one needs the full one.
        byte[] jpeg = Files.readAllBytes(TestImages.photo(dir, "waiting.jpg[Q=85]", 3200, 2400, seed));
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(jpeg));
        try (MinioClient s3 = MinioClient.builder().endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).region("us-east-1").build()) {
            s3.putObject(PutObjectArgs.builder().bucket("imgboard-originals").object(keyOf(sha))
                    .stream(new ByteArrayInputStream(jpeg), jpeg.length, -1).build());
        }
        return sha;
    }

    private static String keyOf(String sha) {
        return "originals/" + sha.substring(0, 2) + "/" + sha;
    }

    @Test
    void everyWaitingPhotosEarlyResultComesBeforeAnyCompleteOne() throws Exception {
        Endpoints endpoints = LocalInfraResource.shared().endpoints();
        String sha = storeOriginal(endpoints, 41);
        String key = keyOf(sha);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                     "bootstrap.servers", endpoints.kafkaBootstrap()), new StringDeserializer(), new StringDeserializer())) {
            int partitions = consumer.partitionsFor(Topics.PROCESSING_RESULTS).size();
            TopicPartition partition = new TopicPartition(Topics.PROCESSING_RESULTS, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            List<ProcessRequested> requests = new ArrayList<>();
            while (requests.size() < 3) {
                UUID photo = UUID.randomUUID();
                if (partitionOf(photo, partitions) == 0) {
                    requests.add(new ProcessRequested(UUID.randomUUID(), Instant.now(), photo, sha, key, "image/jpeg",
                            List.of(), ProcessRequested.Reason.NEW));
                }
            }

            long backgroundBefore = engine.background().ran();
            // The core's one turn is held here until all three requests wait for it.
            try (WorkGate.Turn held = preprocessor.gate().enter(WorkGate.Stage.EARLY)) {
                for (ProcessRequested request : requests) {
                    producer.send(new ProducerRecord<>(Topics.PROCESS_REQUESTS, request.photoId().toString(),
                            JSON.writeValueAsString(request))).get(10, TimeUnit.SECONDS);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> preprocessor.gate().waiting(WorkGate.Stage.EARLY) == 3);
            }

            List<String> seen = new ArrayList<>(); // "early <photo>" or "complete <photo>", in the partition's order
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    ProcessingResult result = JSON.readValue(record.value(), ProcessingResult.class);
                    if (requests.stream().anyMatch(r -> r.photoId().equals(result.photoId()))) {
                        boolean early = result instanceof PhotoProcessed p && p.pending() != null && !p.pending().isEmpty();
                        seen.add((early ? "early " : "complete ") + result.photoId());
                    }
                }
                return seen.size() >= 6;
            });
            // The first photo's early stage ends while the other two wait at theirs: both go before its
            // complete stage, and the complete stages follow in the order the photos got their turns.
            List<String> order = seen.subList(0, 3).stream().map(s -> s.replace("early ", "")).toList();
            assertEquals(3, order.stream().distinct().count(), seen::toString);
            assertEquals(order.stream().map(id -> "early " + id).toList(), seen.subList(0, 3), seen::toString);
            assertEquals(order.stream().map(id -> "complete " + id).toList(), seen.subList(3, 6), seen::toString);
            // Each photo's complete stage was made on the background threads, which run at nice 10.
            assertEquals(backgroundBefore + 3, engine.background().ran());
            assertEquals(java.util.OptionalInt.of(10), engine.background().call(ThreadNice::current));
        }
    }

    /**
     * A reprocess is work that can wait: with a new photo's early stage holding the core, it takes its
     * complete turn and pauses before its decode, and goes on once that early stage is done.
     */
    @Test
    void aReprocessWaitsBeforeItsDecodeWhileANewPhotosEarlyStageRuns() throws Exception {
        Endpoints endpoints = LocalInfraResource.shared().endpoints();
        String sha = storeOriginal(endpoints, 42);
        ProcessRequested request = new ProcessRequested(UUID.randomUUID(), Instant.now(), UUID.randomUUID(), sha,
                keyOf(sha), "image/jpeg", List.of(), ProcessRequested.Reason.REPROCESS);
        WorkGate gate = preprocessor.gate();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                     "bootstrap.servers", endpoints.kafkaBootstrap()), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PROCESSING_RESULTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            try (WorkGate.Turn newPhoto = gate.enter(WorkGate.Stage.EARLY)) {
                producer.send(new ProducerRecord<>(Topics.PROCESS_REQUESTS, request.photoId().toString(),
                        JSON.writeValueAsString(request))).get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> gate.paused() == 1);
                assertEquals(1, gate.held(WorkGate.Stage.COMPLETE), "the reprocess holds its complete turn while it waits");
            }

            List<ProcessingResult> results = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    ProcessingResult result = JSON.readValue(record.value(), ProcessingResult.class);
                    if (result.photoId().equals(request.photoId())) {
                        results.add(result);
                    }
                }
                return !results.isEmpty();
            });
            PhotoProcessed done = assertInstanceOf(PhotoProcessed.class, results.get(0));
            assertEquals(3, done.renditions().size(), "the reprocess made every rendition once the early stage was done");
            assertEquals(0, gate.paused());
        }
    }

    /** The results producer's partition of a photo's results (Kafka's default partitioner on the key). */
    private static int partitionOf(UUID photo, int partitions) {
        return Utils.toPositive(Utils.murmur2(photo.toString().getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
