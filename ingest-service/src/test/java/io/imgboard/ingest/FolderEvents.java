package io.imgboard.ingest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
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

/** Every file event on {@code imgboard.files} (arrived, skipped, removed, moved), read from the beginning. */
public final class FolderEvents implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final KafkaConsumer<String, String> consumer;
    private final List<FileEvent> seen = new ArrayList<>();

    public FolderEvents() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfraResource.shared().endpoints().kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.FILES).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads to the current end of the topic and returns every event of this source id, in order. */
    public synchronized List<FileEvent> of(String sourceId) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        do {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                try {
                    seen.add(MAPPER.readValue(record.value(), FileEvent.class));
                } catch (IOException e) {
                    throw new UncheckedIOException("not a FileEvent: " + record.value(), e);
                }
            }
        } while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue()));
        return seen.stream().filter(e -> e.sourceId().equals(sourceId)).toList();
    }

    /** The events of this source id that are of this type. */
    public <T extends FileEvent> List<T> of(String sourceId, Class<T> type) {
        return of(sourceId).stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
