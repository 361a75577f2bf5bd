package io.imgboard.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.ProcessingResult;
import io.imgboard.events.Topics;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * The tests' side of Kafka: a plain producer writing contract JSON, a plain consumer reading whole
 * topics (assign + seekToBeginning), and the REST look-ups the assertions need.
 */
final class Pipeline {
    static final String LEDGER_GROUP = "imgboard-ledger";
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    // Configured as Quarkus configures its ObjectMapper (and as the events module's golden tests do).
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static KafkaProducer<String, String> producer;

    private Pipeline() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** A fresh content hash, so tests never see each other's photos. */
    static String newSha256() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A random perceptual hash, so the ledger never takes two tests' photos for twins of one shot. */
    static String randomPhash() {
        return String.format("%016x", RANDOM.nextLong());
    }

    static FileArrived arrived(String sourceId, String path, String sha256) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return new FileArrived(UUID.randomUUID(), Instant.now(), sourceId, path, name, 1234, sha256, "image/jpeg",
                "originals/" + sha256.substring(0, 2) + "/" + sha256, Instant.parse("2026-01-02T03:04:05Z"));
    }

    static FileRemoved removed(String sourceId, String path) {
        return new FileRemoved(UUID.randomUUID(), Instant.now(), sourceId, path);
    }

    static RecordMetadata send(FileEvent event) {
        return send(Topics.FILES, event.key(), write(event, FileEvent.class));
    }

    static RecordMetadata send(ProcessingResult result) {
        return send(Topics.PROCESSING_RESULTS, result.photoId().toString(), write(result, ProcessingResult.class));
    }

    static synchronized RecordMetadata send(String topic, String key, String value) {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        }
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    static String write(Object event, Class<?> as) {
        try {
            return JSON.writerFor(as).writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }

    /** Waits until the topic holds at least {@code count} records matching, and returns all that match. */
    static List<ConsumerRecord<String, String>> awaitRecords(String topic, int count,
                                                             Predicate<ConsumerRecord<String, String>> matching) {
        try (KafkaConsumer<String, String> consumer = consumerAtStart(topic)) {
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            reading().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (matching.test(record)) {
                        found.add(record);
                    }
                });
                return found.size() >= count;
            });
            return found;
        }
    }

    /** Every record on the topic right now (up to its current end offsets) that matches. */
    static List<ConsumerRecord<String, String>> recordsNow(String topic, Predicate<ConsumerRecord<String, String>> matching) {
        try (KafkaConsumer<String, String> consumer = consumerAtStart(topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            reading().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (matching.test(record)) {
                        found.add(record);
                    }
                });
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
            return found;
        }
    }

    /**
     * Asserts that the topic holds exactly {@code count} matching records, and still does after
     * {@code during} (a further one would show up meanwhile).
     */
    static void assertStays(String topic, Predicate<ConsumerRecord<String, String>> matching, int count,
                            Duration during) {
        try (KafkaConsumer<String, String> consumer = consumerAtStart(topic)) {
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            reading().during(during).atMost(during.plus(TIMEOUT)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (matching.test(record)) {
                        found.add(record);
                    }
                });
                return found.size() == count;
            });
        }
    }

    /**
     * An await around {@code consumer.poll}: the poll itself waits for records (up to its timeout), so the
     * condition is checked at once and again right after each poll, not after awaitility's default 100 ms
     * delay and interval on top of it.
     */
    private static org.awaitility.core.ConditionFactory reading() {
        return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
    }

    static Predicate<ConsumerRecord<String, String>> keyed(Object key) {
        return record -> key.toString().equals(record.key());
    }

    /** Waits until the ledger's consumer group has committed past this record: it has been handled. */
    static void awaitConsumed(RecordMetadata sent) {
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            await().atMost(TIMEOUT).pollDelay(Duration.ZERO).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(LEDGER_GROUP)
                        .partitionsToOffsetAndMetadata().get().get(partition);
                return committed != null && committed.offset() > sent.offset();
            });
        }
    }

    private static KafkaConsumer<String, String> consumerAtStart(String topic) {
        // close() waits for the fetch in flight, which the broker holds for fetch.max.wait.ms when nothing new
        // comes: 500 ms by default, paid by every read of a topic here (hundreds in the suite). A new record
        // ends a waiting fetch at once either way, so the shorter wait reads the same records.
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** The ledger's view of some content, once it knows it. */
    static JsonNode awaitPhoto(String sha256) {
        await().atMost(TIMEOUT).pollDelay(Duration.ZERO)
                .until(() -> given().get("/api/v1/photos/by-sha256/{sha}", sha256).statusCode() == 200);
        return photo(sha256);
    }

    static JsonNode photo(String sha256) {
        return read(given().get("/api/v1/photos/by-sha256/{sha}", sha256)
                .then().statusCode(200).contentType(ContentType.JSON).extract().asString());
    }

    /**
     * A counter from /q/metrics (Prometheus text), summed over its series: {@code series} is the name,
     * optionally with the start of its labels, e.g. {@code imgboard_ledger_failures_total{permanent="true"}.
     */
    static double metric(String series) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines()
                .filter(line -> series.contains("{") ? line.startsWith(series)
                        : line.startsWith(series + " ") || line.startsWith(series + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Counters count after the commit, a moment after the change is visible: wait for them. */
    static void awaitMetric(String series, double expected) {
        await().atMost(TIMEOUT).until(() -> metric(series) == expected);
    }

    /** The id of the ProcessRequested the ledger sent for the photo: results answer it. */
    static UUID requestId(UUID photoId) {
        ConsumerRecord<String, String> request = awaitRecords(Topics.PROCESS_REQUESTS, 1, keyed(photoId)).get(0);
        return UUID.fromString(read(request.value()).get("eventId").asText());
    }

    static final String SERVICE_TOKEN = "test-service-token-0123456789";

    /** A request with the service token, as display and ingest send it on ledger writes. */
    static io.restassured.specification.RequestSpecification asService() {
        return given().header("Authorization", "Bearer " + SERVICE_TOKEN);
    }

    /** Answers the photo's current request with renditions, as the preprocessor would. */
    static void processed(UUID photoId, int width, int height, Instant capturedAt, String phash) {
        UUID request = latestRequestId(photoId);
        send(new io.imgboard.events.PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, request,
                List.of(new io.imgboard.events.Rendition("display", "renditions/" + photoId + "/display.webp",
                        Math.min(width, 1920), Math.min(height, 1080), 4000)),
                width, height, "jpeg", capturedAt == null ? null
                : new io.imgboard.events.PhotoProcessed.Capture(capturedAt, null, null, null, null), phash, null));
    }

    /** Some content of a shot arriving at a place and processed (its own photo until a twin is found); its photo id then. */
    static UUID arrivedAndProcessed(String sourceId, String path, String sha256, int width, int height,
                                    Instant capturedAt, long phash) {
        send(arrived(sourceId, path, sha256));
        UUID id = UUID.fromString(awaitPhoto(sha256).get("photoId").asText());
        processed(id, width, height, capturedAt, String.format("%016x", phash));
        return id;
    }

    /** The id of the newest ProcessRequested for the photo (after retries and reprocessing). */
    static UUID latestRequestId(UUID photoId) {
        List<ConsumerRecord<String, String>> all = recordsNow(Topics.PROCESS_REQUESTS, keyed(photoId));
        if (all.isEmpty()) {
            return requestId(photoId);
        }
        return UUID.fromString(read(all.get(all.size() - 1).value()).get("eventId").asText());
    }

    static JsonNode photoById(Object photoId) {
        return read(given().get("/api/v1/photos/{id}", photoId.toString()).then().statusCode(200).extract().asString());
    }

    static JsonNode stats() {
        return read(given().get("/api/v1/stats").then().statusCode(200).extract().asString());
    }
}
