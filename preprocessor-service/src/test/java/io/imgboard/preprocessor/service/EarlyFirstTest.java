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
import io.imgboard.preprocessor.storage.TestOriginals;
import io.minio.MinioClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

/**
 * New photos first, on the real broker and S3 server: with several new photos waiting, every one's
 * early result is on the results topic before any one's complete result, and each complete stage is
 * made at background priority; a reprocess and the rest of a new photo pause while another photo's
 * early stage runs. One worker, so the order is the gate's alone.
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

    @Inject
    MeterRegistry metrics;

    private Endpoints endpoints;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> results;

    /** A producer of requests, and a consumer of the results topic from its end now (every partition). */
    @BeforeEach
    void connect() {
        endpoints = LocalInfraResource.shared().endpoints();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        results = new KafkaConsumer<>(Map.of("bootstrap.servers", endpoints.kafkaBootstrap()),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = results.partitionsFor(Topics.PROCESSING_RESULTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        results.assign(partitions);
        results.seekToEnd(partitions);
        partitions.forEach(results::position);
    }

    @AfterEach
    void disconnect() {
        producer.close();
        results.close();
    }

    /**
     * A request for a JPEG stored as an original, large enough that its display rendition comes from a
     * decode at 1/2 and its UHD one needs the full one.
     */
    private ProcessRequested stored(UUID photo, int seed, ProcessRequested.Reason reason) throws Exception {
        Path dir = Files.createTempDirectory("early-first-");
        byte[] jpeg;
        try {
            jpeg = Files.readAllBytes(TestImages.photo(dir, "waiting.jpg[Q=85]", 3200, 2400, seed));
        } finally {
            FileUtils.deleteDirectory(dir.toFile());
        }
        String key;
        try (MinioClient s3 = MinioClient.builder().endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).region("us-east-1").build()) {
            key = TestOriginals.put(s3, jpeg);
        }
        return new ProcessRequested(UUID.randomUUID(), Instant.now(), photo, TestOriginals.sha(key), key, "image/jpeg",
                List.of(), reason);
    }

    private void send(ProcessRequested request) throws Exception {
        producer.send(new ProducerRecord<>(Topics.PROCESS_REQUESTS, request.photoId().toString(),
                JSON.writeValueAsString(request))).get(10, TimeUnit.SECONDS);
    }

    /** "early <photo>" or "complete <photo>" for each of {@code photos}' results polled now, in order. */
    private List<String> poll(List<UUID> photos) throws Exception {
        List<String> seen = new ArrayList<>();
        for (ConsumerRecord<String, String> record : results.poll(Duration.ofMillis(200))) {
            ProcessingResult result = JSON.readValue(record.value(), ProcessingResult.class);
            if (photos.contains(result.photoId())) {
                boolean early = result instanceof PhotoProcessed p && p.pending() != null && !p.pending().isEmpty();
                seen.add((early ? "early " : "complete ") + result.photoId());
            }
        }
        return seen;
    }

    /** Polls until {@code seen} holds at least {@code count} of {@code photos}' results. */
    private void awaitSeen(List<UUID> photos, List<String> seen, int count) {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            seen.addAll(poll(photos));
            return seen.size() >= count;
        });
    }

    @Test
    void everyWaitingPhotosEarlyResultComesBeforeAnyCompleteOne() throws Exception {
        int partitions = results.partitionsFor(Topics.PROCESSING_RESULTS).size();
        List<ProcessRequested> requests = new ArrayList<>();
        while (requests.size() < 3) {
            UUID photo = UUID.randomUUID();
            if (partitionOf(photo, partitions) == 0) { // one partition: its order is the order sent
                requests.add(stored(photo, 41, ProcessRequested.Reason.NEW));
            }
        }
        List<UUID> photos = requests.stream().map(ProcessRequested::photoId).toList();

        long backgroundBefore = engine.background().ran();
        // The core's one turn is held here until all three requests wait for it.
        try (WorkGate.Turn held = preprocessor.gate().enter(WorkGate.Stage.EARLY)) {
            for (ProcessRequested request : requests) {
                send(request);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> preprocessor.gate().waiting(WorkGate.Stage.EARLY) == 3);
        }

        List<String> seen = new ArrayList<>(); // in the partition's order
        awaitSeen(photos, seen, 6);
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

    /**
     * A reprocess is work that can wait: with a new photo's early stage holding the core, it takes its
     * complete turn and pauses before its decode, and goes on once that early stage is done; the wait
     * is counted on {@code imgboard_preprocessor_paused_seconds}.
     */
    @Test
    void aReprocessWaitsBeforeItsDecodeWhileANewPhotosEarlyStageRuns() throws Exception {
        ProcessRequested reprocess = stored(UUID.randomUUID(), 42, ProcessRequested.Reason.REPROCESS);
        WorkGate gate = preprocessor.gate();
        long pausesBefore = pauses();
        List<String> seen = new ArrayList<>();
        try (WorkGate.Turn newPhoto = gate.enter(WorkGate.Stage.EARLY)) {
            send(reprocess);
            await().atMost(Duration.ofSeconds(60)).until(() -> gate.paused() == 1);
            assertEquals(1, gate.held(WorkGate.Stage.COMPLETE), "the reprocess holds its complete turn while it waits");
            seen.addAll(poll(List.of(reprocess.photoId())));
            assertEquals(List.of(), seen, "the reprocess went on while the early stage ran");
        }
        awaitSeen(List.of(reprocess.photoId()), seen, 1);
        assertEquals(List.of("complete " + reprocess.photoId()), seen);
        assertEquals(0, gate.paused());
        assertEquals(pausesBefore + 1, pauses(), "one wait, timed; the pause before the encodes did not wait");
    }

    private long pauses() {
        Timer timer = metrics.find("imgboard.preprocessor.paused").timer();
        return timer == null ? 0 : timer.count();
    }

    /**
     * The rest of a new photo waits for the next photo's early stage: A's early stage runs while
     * another early stage waits behind it; that one has the core when A's rest is handed on, and A's
     * rest pauses before its full decode until it is done.
     */
    @Test
    void theRestOfANewPhotoWaitsWhileTheNextPhotosEarlyStageRuns() throws Exception {
        ProcessRequested a = stored(UUID.randomUUID(), 43, ProcessRequested.Reason.NEW);
        WorkGate gate = preprocessor.gate();
        java.util.concurrent.CompletableFuture<WorkGate.Turn> next = new java.util.concurrent.CompletableFuture<>();
        Thread behind = new Thread(() -> next.complete(gate.enter(WorkGate.Stage.EARLY)), "the next photo");
        behind.setDaemon(true);
        List<String> seen = new ArrayList<>();
        try {
            try (WorkGate.Turn first = gate.enter(WorkGate.Stage.EARLY)) {
                send(a);
                await().atMost(Duration.ofSeconds(60)).until(() -> gate.waiting(WorkGate.Stage.EARLY) == 1);
                behind.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> gate.waiting(WorkGate.Stage.EARLY) == 2);
            } // A's early stage goes first, the next photo's after it
            WorkGate.Turn nextPhoto = next.get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> gate.paused() == 1);
            awaitSeen(List.of(a.photoId()), seen, 1);
            assertEquals(List.of("early " + a.photoId()), seen, "A's rest went on while the next early stage ran");
            nextPhoto.close();
        } finally {
            // Whatever failed, the next photo's turn must not stay held: the other tests need the one turn.
            behind.interrupt();
            next.thenAccept(WorkGate.Turn::close);
        }
        awaitSeen(List.of(a.photoId()), seen, 2);
        assertEquals(List.of("early " + a.photoId(), "complete " + a.photoId()), seen);
    }

    /** The results producer's partition of a photo's results (Kafka's default partitioner on the key). */
    private static int partitionOf(UUID photo, int partitions) {
        return Utils.toPositive(Utils.murmur2(photo.toString().getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
