package io.imgboard.display.messaging;

import io.imgboard.display.service.Settings;
import io.imgboard.display.support.Catalog;
import io.imgboard.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A settings change right after start-up merges onto the saved settings, not the defaults: on the
 * real broker, {@link SettingsLoading} reports the settings loaded only once the topic has been read
 * to where it ended at assignment, and until then {@link Settings#exclusively} (every writer) waits,
 * then refuses with {@link Settings#NOT_LOADED} instead of writing.
 */
@QuarkusTest
class SettingsLoadingTest {

    @Test
    void writersWaitUntilTheTopicIsReadToItsEndAtAssignment() throws Exception {
        // Records the display skips (another section), so the running application is not disturbed.
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Catalog.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(Topics.SETTINGS, "loading-test", "{\"eventId\":\"" + UUID.randomUUID()
                        + "\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"section\":\"loading-test\",\"values\":{}}"))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        Settings settings = new Settings(Duration.ofMillis(300));
        SettingsLoading loading = new SettingsLoading(settings);

        IllegalStateException early = assertThrows(IllegalStateException.class, () -> settings.exclusively(() -> "written"));
        assertEquals(Settings.NOT_LOADED, early.getMessage());

        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Catalog.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "settings-loading-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1),
                new StringDeserializer(), new StringDeserializer())) {
            long[] end = new long[1];
            consumer.subscribe(List.of(Topics.SETTINGS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    loading.onPartitionsAssigned(consumer, partitions);
                    end[0] = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    loading.onPartitionsRevoked(consumer, partitions);
                }
            });
            // A writer that arrives while the topic is being read waits for it, then writes.
            Settings patient = new Settings(Duration.ofSeconds(60));
            SettingsLoading patientLoading = new SettingsLoading(patient);
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> patient.exclusively(() -> "written"));

            // One record per poll: the settings count as loaded exactly when the last one at assignment is read.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    assertFalse(settings.isLoaded(), "loaded before offset " + record.offset() + " of " + end[0] + " was read");
                    loading.read(record.topic(), record.partition(), record.offset());
                    boolean last = record.offset() + 1 >= end[0];
                    assertEquals(last, settings.isLoaded(), "after offset " + record.offset() + " of " + end[0]);
                }
                return settings.isLoaded();
            });
            assertFalse(waiting.isDone(), "the waiting writer ran before its settings were read");
            // The patient instance reads the same topic: assigned at its end, it has nothing left to read.
            patientLoading.onPartitionsAssigned(consumer, consumer.assignment());
            assertTrue(end[0] >= 3, "the topic holds at least the three records written here: " + end[0]);
            assertEquals("written", settings.exclusively(() -> "written"));
            assertEquals("written", waiting.get(30, TimeUnit.SECONDS));
        }
    }
}
