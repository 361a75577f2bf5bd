package io.imgboard.ingest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.Topics;
import io.imgboard.infra.testing.LocalInfraResource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The module's one Kafka test client: reads {@code imgboard.files} (or another topic of file events:
 * {@code imgboard.warm-up}) from the beginning with a plain consumer (no group), the way the ledger
 * will, every record with its key and the event parsed by the contract's own types.
 */
public final class FilesTopic implements AutoCloseable {
    /** A record as the ledger would see it. */
    public record Arrival(String key, FileArrived event, String json) {
    }

    /** A record's event and where it is on the topic. */
    public record Placed(int partition, long offset, FileEvent event) {
    }

    private record Seen(String key, FileEvent event, String json, int partition, long offset) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String topic;
    private final KafkaConsumer<String, String> consumer;
    private final List<Seen> seen = new ArrayList<>();

    public FilesTopic() {
        this(Topics.FILES);
    }

    public FilesTopic(String topic) {
        this.topic = topic;
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfraResource.shared().endpoints().kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once more and returns every event read so far, in order. */
    public synchronized List<FileEvent> events() {
        poll();
        return seen.stream().map(Seen::event).toList();
    }

    /** Polls once more and returns every arrival read so far with this SHA-256. */
    public synchronized List<Arrival> arrivalsOf(String sha256) {
        poll();
        return seenArrivalsOf(sha256);
    }

    /** Reads to the current end of every partition, then returns the arrivals with this SHA-256. */
    public synchronized List<Arrival> allArrivalsNowOf(String sha256) {
        readToEnd();
        return seenArrivalsOf(sha256);
    }

    private List<Arrival> seenArrivalsOf(String sha256) {
        return seen.stream().filter(s -> s.event() instanceof FileArrived a && a.sha256().equals(sha256))
                .map(s -> new Arrival(s.key(), (FileArrived) s.event(), s.json())).toList();
    }

    /** Reads to the current end of the topic and returns every event of this source id, in order. */
    public synchronized List<FileEvent> of(String sourceId) {
        readToEnd();
        return seen.stream().map(Seen::event).filter(e -> e.sourceId().equals(sourceId)).toList();
    }

    /** The events of this source id that are of this type. */
    public <T extends FileEvent> List<T> of(String sourceId, Class<T> type) {
        return of(sourceId).stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Reads to the current end of the topic and returns how many records it holds. */
    public synchronized int size() {
        readToEnd();
        return seen.size();
    }

    /** Reads to the current end of the topic and returns the keys of this source id's records, in order. */
    public synchronized List<String> keysOf(String sourceId) {
        readToEnd();
        return seen.stream().filter(s -> s.event().sourceId().equals(sourceId)).map(Seen::key).toList();
    }

    /** Reads to the current end of the topic and returns this source id's records, each with its partition and offset. */
    public synchronized List<Placed> placedOf(String sourceId) {
        readToEnd();
        return seen.stream().filter(s -> s.event().sourceId().equals(sourceId))
                .map(s -> new Placed(s.partition(), s.offset(), s.event())).toList();
    }

    /** How many partitions the topic has. */
    public synchronized int partitions() {
        return consumer.assignment().size();
    }

    private void readToEnd() {
        // Polled only while a partition is behind its end: a poll with nothing left to read waits out its
        // whole timeout (200 ms), and callers ask this in loops and after every step.
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            poll();
        }
    }

    private void poll() {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            try {
                seen.add(new Seen(record.key(), MAPPER.readValue(record.value(), FileEvent.class), record.value(),
                        record.partition(), record.offset()));
            } catch (IOException e) {
                throw new UncheckedIOException("not a FileEvent on " + topic + ": " + record.value(), e);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
