package io.imgboard.preprocessor.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.ProcessingResult;
import io.imgboard.events.Rendition;
import io.imgboard.events.RenditionSpec;
import io.imgboard.events.Topics;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.preprocessor.imaging.TestImages;
import io.imgboard.preprocessor.storage.ObjectStore;
import io.imgboard.preprocessor.storage.TestOriginals;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.providers.connectors.WorkerPoolRegistry;
import jakarta.inject.Inject;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running service against a real Kafka broker, a real S3 server and the real libvips: requests
 * go in on the topic, results come out on the other, renditions land in the bucket.
 */
@QuarkusTest
@QuarkusTestResource(LocalInfraResource.class)
class PreprocessorPipelineTest {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
    /** Every result per photo id, in the order they came (an early one, then the complete one). */
    static final Map<String, List<String>> results = new ConcurrentHashMap<>();
    static final List<ConsumerRecord<String, String>> deadLetters = new java.util.concurrent.CopyOnWriteArrayList<>();
    static final List<ConsumerRecord<String, String>> warmUps = new java.util.concurrent.CopyOnWriteArrayList<>();

    static Path dir;
    static MinioClient s3;
    static KafkaProducer<String, String> producer;
    static KafkaConsumer<String, String> consumer;

    @Inject
    ObjectStore store;
    @Inject
    KafkaClientService kafka;
    @Inject
    ObjectMapper mapper;
    @Inject
    WorkerPoolRegistry workers;
    @Inject
    ResultPublisher publisher;

    @BeforeAll
    static void connect() throws Exception {
        dir = Files.createTempDirectory("preprocessor-pipeline-");
        Endpoints endpoints = LocalInfraResource.shared().endpoints();
        s3 = MinioClient.builder().endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).region("us-east-1").build();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "preprocessor-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.PROCESSING_RESULTS, Topics.DEAD_LETTER, Topics.WARM_UP));
    }

    @AfterAll
    static void disconnect() throws Exception {
        producer.close();
        consumer.close();
        s3.close();
        FileUtils.deleteDirectory(dir.toFile());
    }

    /** The warm-up's write and read against the real S3 server: the bytes come back, nothing stays behind. */
    @Test
    void theWarmUpsRoundTripReadsBackWhatItWroteAndLeavesNothing() throws Exception {
        byte[] probe = new byte[300_000];
        new java.util.SplittableRandom(7).nextBytes(probe);
        Path target = dir.resolve("round-trip.bin");
        store.roundTrip("warm-up/test-" + UUID.randomUUID(), probe, target);
        assertArrayEquals(probe, Files.readAllBytes(target), "the probe did not come back whole");

        List<Path> tempFiles = warmUpFiles();
        StartupWarmUp.roundTrips(store, UUID.randomUUID());

        assertFalse(s3.listObjects(ListObjectsArgs.builder().bucket(store.renditionsBucket()).prefix("warm-up/")
                .recursive(true).build()).iterator().hasNext(), "a warm-up object stayed in the renditions bucket");
        assertEquals(tempFiles, warmUpFiles(), "the warm-up left its temporary file");
    }

    /**
     * The warm-up's send goes through the results' own producer to the topic no service reads: one
     * early result there, keyed {@code preprocessor}, and nothing on {@code processing-results}.
     */
    @Test
    void theWarmUpSendsOneEarlyResultWhereNoServiceReads() {
        long warmUpEnd = endOf(Topics.WARM_UP);
        long resultsEnd = endOf(Topics.PROCESSING_RESULTS);

        assertTrue(StartupWarmUp.warmUp(store, kafka, mapper, workers, publisher),
                "every step of the warm-up should succeed against the real servers");

        assertEquals(warmUpEnd + 1, endOf(Topics.WARM_UP), "the warm-up's one record on " + Topics.WARM_UP);
        assertEquals(resultsEnd, endOf(Topics.PROCESSING_RESULTS), "the warm-up sent a result where the ledger reads");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            pollOnce();
            return warmUps.stream().anyMatch(r -> r.offset() == warmUpEnd);
        });
        ConsumerRecord<String, String> sent = warmUps.stream().filter(r -> r.offset() == warmUpEnd).findFirst().orElseThrow();
        assertEquals("preprocessor", sent.key());
        PhotoProcessed early = assertInstanceOf(PhotoProcessed.class, read(sent.value()));
        assertEquals(List.of("uhd", "thumb"), early.pending());
    }

    /** The sum of the topic's partitions' end offsets. */
    private static synchronized long endOf(String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<Path> warmUpFiles() throws java.io.IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith(StartupWarmUp.TEMP_PREFIX)).sorted().toList();
        }
    }

    @Test
    void aJpegBecomesThreeRenditionsInTheBucket() throws Exception {
        Path jpeg = TestImages.photo(dir, "portrait.jpg[Q=88]", 2400, 1800, 31);
        TestImages.exif(jpeg, "-Orientation#=6", "-DateTimeOriginal=2026:08:01 12:42:07", "-OffsetTimeOriginal=+02:00",
                "-Make=Apple", "-Model=iPhone 15");
        ProcessRequested request = request(putOriginal(Files.readAllBytes(jpeg)), List.of());

        PhotoProcessed processed = assertInstanceOf(PhotoProcessed.class, send(request));

        assertEquals(request.eventId(), processed.requestId());
        assertEquals(1800, processed.width());
        assertEquals(2400, processed.height());
        assertEquals("jpeg", processed.format());
        assertEquals(Instant.parse("2026-08-01T10:42:07Z"), processed.capture().capturedAt());
        assertEquals("iPhone 15", processed.capture().cameraModel());
        assertTrue(processed.perceptualHash().matches("[0-9a-f]{16}"), processed.perceptualHash());
        assertTrue(processed.placeholder().startsWith("data:image/webp;base64,"));
        Map<String, Rendition> byName = new java.util.HashMap<>();
        processed.renditions().forEach(r -> byName.put(r.name(), r));
        assertEquals(Map.of("display", "810x1080", "uhd", "1620x2160", "thumb", "360x480"),
                Map.of("display", size(byName.get("display")), "uhd", size(byName.get("uhd")),
                        "thumb", size(byName.get("thumb"))));
        for (Rendition rendition : processed.renditions()) {
            assertEquals("renditions/" + request.photoId() + "/" + rendition.name() + ".webp", rendition.key());
            long stored = s3.statObject(StatObjectArgs.builder().bucket("imgboard-renditions").object(rendition.key())
                    .build()).size();
            assertEquals(rendition.bytes(), stored, rendition.name());
            byte[] webp;
            try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket("imgboard-renditions")
                    .object(rendition.key()).build())) {
                webp = in.readAllBytes();
            }
            BufferedImage image = TestImages.decode(webp, dir);
            assertEquals(rendition.width(), image.getWidth(), rendition.name());
            assertEquals(rendition.height(), image.getHeight(), rendition.name());
        }
    }

    @Test
    void aNewPhotoGoesOnWithItsDisplayRenditionFirstAndTheCompleteResultFollows() throws Exception {
        Path jpeg = TestImages.photo(dir, "early.jpg[Q=88]", 4032, 3024, 36);
        ProcessRequested request = request(putOriginal(Files.readAllBytes(jpeg)), List.of());

        PhotoProcessed complete = assertInstanceOf(PhotoProcessed.class, send(request));

        List<String> answers = results.get(request.photoId().toString());
        assertEquals(2, answers.size(), answers::toString);
        PhotoProcessed early = assertInstanceOf(PhotoProcessed.class, JSON.readValue(answers.get(0), ProcessingResult.class));
        assertEquals(List.of("uhd", "thumb"), early.pending());
        assertEquals(request.eventId(), early.requestId());
        assertEquals(1, early.renditions().size());
        Rendition display = early.renditions().get(0);
        assertEquals("display", display.name());
        assertEquals("1440x1080", size(display));
        assertEquals(complete.perceptualHash(), early.perceptualHash());
        assertEquals(complete.placeholder(), early.placeholder());
        assertEquals(4032, early.width());
        // the early rendition is in the bucket, and it is the one the complete result names
        assertEquals(display.bytes(), s3.statObject(StatObjectArgs.builder().bucket("imgboard-renditions")
                .object(display.key()).build()).size());
        assertEquals(null, complete.pending());
        assertEquals(List.of("display", "uhd", "thumb"), complete.renditions().stream().map(Rendition::name).toList());
        assertEquals(display, complete.renditions().get(0));
    }

    @Test
    void aReprocessAnswersOnceWithEveryRendition() throws Exception {
        Path jpeg = TestImages.photo(dir, "again.jpg[Q=88]", 1600, 1200, 37);
        ProcessRequested first = request(putOriginal(Files.readAllBytes(jpeg)), List.of());
        ProcessRequested again = new ProcessRequested(UUID.randomUUID(), Instant.now(), first.photoId(), first.sha256(),
                first.originalKey(), first.contentType(), List.of(), ProcessRequested.Reason.REPROCESS);

        PhotoProcessed complete = assertInstanceOf(PhotoProcessed.class, send(again));

        assertEquals(List.of(again.eventId()), results.get(first.photoId().toString()).stream()
                .map(json -> read(json).requestId()).toList());
        assertEquals(3, complete.renditions().size());
    }

    /**
     * A box change while a new photo is still being made: the ledger asks again (a higher offset on the
     * photo's partition), the small renditions of the newer request are done first, and the older
     * request's large rendition finishes last. Its bytes must not land over the newer request's: the
     * ledger keeps the newer result, and the bucket has to hold what that result describes.
     */
    @Test
    void anOlderRequestFinishingLastLeavesTheNewerRequestsRenditionsInTheBucket() throws Exception {
        Path jpeg = TestImages.photo(dir, "overtaken.jpg[Q=88]", 4032, 3024, 38);
        ProcessRequested first = request(putOriginal(Files.readAllBytes(jpeg)),
                List.of(new RenditionSpec("display", 1920, 1080, 80), new RenditionSpec("big", 3840, 2880, 80)));
        ProcessRequested again = new ProcessRequested(UUID.randomUUID(), Instant.now(), first.photoId(), first.sha256(),
                first.originalKey(), first.contentType(),
                List.of(new RenditionSpec("display", 320, 320, 80), new RenditionSpec("big", 640, 640, 80)),
                ProcessRequested.Reason.REPROCESS);
        producer.send(new ProducerRecord<>(Topics.PROCESS_REQUESTS, first.photoId().toString(), JSON.writeValueAsString(first)))
                .get(10, TimeUnit.SECONDS);

        PhotoProcessed newer = assertInstanceOf(PhotoProcessed.class, send(again));
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            pollOnce();
            return complete(first).isPresent();
        });

        assertEquals(Map.of("display", "320x240", "big", "640x480"), Map.of(
                "display", size(newer.renditions().get(0)), "big", size(newer.renditions().get(1))));
        for (Rendition rendition : newer.renditions()) {
            byte[] webp;
            try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket("imgboard-renditions")
                    .object(rendition.key()).build())) {
                webp = in.readAllBytes();
            }
            BufferedImage stored = TestImages.decode(webp, dir);
            assertEquals(size(rendition), stored.getWidth() + "x" + stored.getHeight(),
                    rendition.name() + " in the bucket is the newer request's");
        }
    }

    @Test
    void aRequestCanNameItsOwnRenditions() throws Exception {
        Path png = TestImages.photo(dir, "custom.png", 800, 600, 32);
        ProcessRequested request = request(putOriginal(Files.readAllBytes(png)),
                List.of(new RenditionSpec("small", 200, 200, 70)));

        PhotoProcessed processed = assertInstanceOf(PhotoProcessed.class, send(request));

        assertEquals(1, processed.renditions().size());
        assertEquals("200x150", size(processed.renditions().get(0)));
        assertEquals("png", processed.format());
    }

    @Test
    void aCorruptOriginalFailsPermanentlyAndTheNextRequestStillWorks() throws Exception {
        Path jpeg = TestImages.photo(dir, "cut.jpg[Q=90]", 1200, 900, 33);
        byte[] whole = Files.readAllBytes(jpeg);
        ProcessRequested corrupt = request(putOriginal(java.util.Arrays.copyOf(whole, whole.length / 3)), List.of());

        ProcessingFailed failed = assertInstanceOf(ProcessingFailed.class, send(corrupt));

        assertTrue(failed.permanent());
        assertTrue(failed.reason().startsWith("corrupt or truncated JPEG: "), failed.reason());
        assertEquals(corrupt.eventId(), failed.requestId());

        ProcessRequested good = request(putOriginal(whole), List.of());
        assertInstanceOf(PhotoProcessed.class, send(good));
    }

    @Test
    void aMissingOriginalFailsPermanently() throws Exception {
        ProcessRequested request = request("originals/00/" + "0".repeat(64), List.of());

        ProcessingFailed failed = assertInstanceOf(ProcessingFailed.class, send(request));

        assertTrue(failed.permanent());
        assertTrue(failed.reason().startsWith("original is missing from storage"), failed.reason());
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndProcessingGoesOn() throws Exception {
        String key = "poison-" + UUID.randomUUID();
        producer.send(new ProducerRecord<>(Topics.PROCESS_REQUESTS, key, "{ this is not json")).get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            pollOnce();
            return deadLetters.stream().anyMatch(r -> key.equals(r.key()));
        });
        ConsumerRecord<String, String> dead = deadLetters.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow();
        assertEquals("{ this is not json", dead.value());

        Path png = TestImages.photo(dir, "after-poison.png", 300, 200, 34);
        assertInstanceOf(PhotoProcessed.class, send(request(putOriginal(Files.readAllBytes(png)), List.of())));
    }

    @Test
    void readyWhenKafkaS3AndLibvipsAre() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("libvips"))
                .body("checks.find { it.name == 'libvips' }.data.version", equalTo(io.imgboard.preprocessor.imaging.vips.Vips.version()))
                .body("checks.find { it.name == 'libvips' }.data.warning", equalTo(io.imgboard.preprocessor.imaging.vips.Vips.warning()))
                .body("checks.name", hasItem("s3")));
        given().when().get("/api/v1/preprocessor").then().statusCode(200)
                .body("libvips", equalTo(io.imgboard.preprocessor.imaging.vips.Vips.version()))
                .body("libvipsWarning", equalTo(io.imgboard.preprocessor.imaging.vips.Vips.warning()))
                .body("renditions.name", hasItem("thumb"));
    }

    @Test
    void resultsAreCountedInTheMetrics() throws Exception {
        Path png = TestImages.photo(dir, "counted.png", 320, 240, 35);
        assertInstanceOf(PhotoProcessed.class, send(request(putOriginal(Files.readAllBytes(png)), List.of())));

        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("imgboard_preprocessor_results_total{outcome=\"processed\""))
                .body(org.hamcrest.Matchers.containsString("imgboard_preprocessor_duration_seconds_count"));
    }

    // ---------------------------------------------------------------- helpers

    private static String size(Rendition rendition) {
        assertNotNull(rendition);
        return rendition.width() + "x" + rendition.height();
    }

    private static String putOriginal(byte[] bytes) throws Exception {
        return TestOriginals.put(s3, bytes);
    }

    private static ProcessRequested request(String originalKey, List<RenditionSpec> renditions) {
        String sha = TestOriginals.sha(originalKey);
        return new ProcessRequested(UUID.randomUUID(), Instant.now(), UUID.randomUUID(), sha, originalKey,
                "image/jpeg", renditions, ProcessRequested.Reason.NEW);
    }

    /** Produces the request and waits for its complete result (an early one may come before). */
    private static ProcessingResult send(ProcessRequested request) throws Exception {
        String key = request.photoId().toString();
        producer.send(new ProducerRecord<>(Topics.PROCESS_REQUESTS, key, JSON.writeValueAsString(request)))
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            pollOnce();
            return complete(request).isPresent();
        });
        ProcessingResult result = complete(request).orElseThrow();
        assertEquals(request.photoId(), result.photoId());
        return result;
    }

    private static java.util.Optional<ProcessingResult> complete(ProcessRequested request) {
        return results.getOrDefault(request.photoId().toString(), List.of()).stream().map(PreprocessorPipelineTest::read)
                .filter(r -> request.eventId().equals(r.requestId()))
                .filter(r -> !(r instanceof PhotoProcessed p) || p.pending() == null || p.pending().isEmpty())
                .findFirst();
    }

    private static ProcessingResult read(String json) {
        try {
            return JSON.readValue(json, ProcessingResult.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static synchronized void pollOnce() {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.topic().equals(Topics.DEAD_LETTER)) {
                deadLetters.add(record);
            } else if (record.topic().equals(Topics.WARM_UP)) {
                warmUps.add(record);
            } else {
                results.computeIfAbsent(record.key(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(record.value());
            }
        }
    }
}
