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
 * Reads {@code imgboard.files} from the beginning with a plain consumer (no group), the way the
 * ledger will: every record as its key and the event parsed by the contract's own types.
 */
public final class FilesTopic implements AutoCloseable {
    /** A record as the ledger would see it. */
    public record Arrival(String key, FileArrived event, String json) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final KafkaConsumer<String, String> consumer;
    private final List<Arrival> seen = new ArrayList<>();

    public FilesTopic() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfraResource.shared().endpoints().kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.FILES).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once more and returns every arrival read so far with this SHA-256. */
    public List<Arrival> arrivalsOf(String sha256) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            try {
                if (MAPPER.readValue(record.value(), FileEvent.class) instanceof FileArrived arrived) {
                    seen.add(new Arrival(record.key(), arrived, record.value()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("not a FileEvent on " + Topics.FILES + ": " + record.value(), e);
            }
        }
        return seen.stream().filter(a -> a.event().sha256().equals(sha256)).toList();
    }

    /** Reads to the current end of every partition, then returns the arrivals with this SHA-256. */
    public List<Arrival> allArrivalsNowOf(String sha256) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            arrivalsOf(sha256);
        }
        return arrivalsOf(sha256);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
