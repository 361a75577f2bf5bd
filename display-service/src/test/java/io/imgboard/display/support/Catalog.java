package io.imgboard.display.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Writes to the real catalog topic the way the ledger does: String keys, JSON values, null to retire. */
public final class Catalog implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final KafkaProducer<String, String> producer;

    public Catalog() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
    }

    public static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    public static PhotoPublished photo(UUID photoId, Instant capturedAt) {
        return new PhotoPublished(UUID.randomUUID(), Instant.now(), photoId, "ab".repeat(32),
                List.of(rendition(photoId, "display", 1440, 1080),
                        rendition(photoId, "uhd", 2880, 2160),
                        rendition(photoId, "thumb", 320, 240)),
                4032, 3024, capturedAt, "data:image/webp;base64,UklGRg==");
    }

    /** A photo as the ledger publishes it now: with its first-seen name and arrival time. */
    public static PhotoPublished named(UUID photoId, String name, Instant capturedAt) {
        PhotoPublished p = photo(photoId, capturedAt);
        return new PhotoPublished(p.eventId(), p.occurredAt(), photoId, p.sha256(), p.renditions(), p.width(), p.height(),
                capturedAt, p.placeholder(), name, Instant.now(), List.of("upload:test"), List.of());
    }

    /**
     * {@code photo} as the ledger publishes it first when the preprocessor sends the early {@code display}
     * rendition: the same record, a new event id, only that rendition.
     */
    public static PhotoPublished early(PhotoPublished photo) {
        return new PhotoPublished(UUID.randomUUID(), photo.occurredAt(), photo.photoId(), photo.sha256(),
                photo.renditions().stream().filter(r -> r.name().equals("display")).toList(), photo.width(),
                photo.height(), photo.capturedAt(), photo.placeholder(), photo.name(), photo.arrivedAt(),
                photo.sourceIds(), photo.deviceIds());
    }

    /** {@code photo} delivered again: a new event id, nothing else changed. */
    public static PhotoPublished again(PhotoPublished photo) {
        return new PhotoPublished(UUID.randomUUID(), photo.occurredAt(), photo.photoId(), photo.sha256(),
                photo.renditions(), photo.width(), photo.height(), photo.capturedAt(), photo.placeholder(), photo.name(),
                photo.arrivedAt(), photo.sourceIds(), photo.deviceIds());
    }

    private static Rendition rendition(UUID photoId, String name, int width, int height) {
        return new Rendition(name, "renditions/" + photoId + "/" + name + ".webp", width, height, 1000);
    }

    public void publish(PhotoPublished photo) throws Exception {
        send(photo.photoId().toString(), JSON.writeValueAsString(photo));
    }

    public void retire(UUID photoId) throws Exception {
        send(photoId.toString(), null);
    }

    /**
     * Publishes every photo, then retires every one, in that order, without waiting for each record's
     * acknowledgement before sending the next (the idempotent producer keeps a partition's records in
     * the order sent, so a photo's retirement still follows its publication); returns once all are written.
     */
    public void publishThenRetire(List<PhotoPublished> photos) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (PhotoPublished photo : photos) {
            sent.add(producer.send(new ProducerRecord<>(Topics.CATALOG, photo.photoId().toString(), JSON.writeValueAsString(photo))));
        }
        for (PhotoPublished photo : photos) {
            sent.add(producer.send(new ProducerRecord<>(Topics.CATALOG, photo.photoId().toString(), null)));
        }
        for (Future<RecordMetadata> each : sent) {
            each.get(30, TimeUnit.SECONDS);
        }
    }

    public void send(String key, String value) throws Exception {
        sendTo(Topics.CATALOG, key, value);
    }

    public void sendTo(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    /** Everything on the dead-letter topic so far. */
    public static List<ConsumerRecord<String, String>> deadLetters() {
        TopicPartition partition = new TopicPartition(Topics.DEAD_LETTER, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
