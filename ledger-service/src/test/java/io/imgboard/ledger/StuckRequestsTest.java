package io.imgboard.ledger;

import io.imgboard.events.Topics;
import io.imgboard.ledger.service.Requeue;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.assertStays;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.bootstrap;
import static io.imgboard.ledger.Pipeline.keyed;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.recordsNow;
import static io.imgboard.ledger.Pipeline.requestId;
import static io.imgboard.ledger.Pipeline.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A request nobody answered for {@code stuck-after} is asked again only once the preprocessors have
 * read every request: before that it may simply be queued behind a large import, and a second request
 * behind the first would have the preprocessor make the photo twice (the first answer then being stale).
 * On the real broker; the preprocessors' reading is their consumer group's committed offsets.
 */
@QuarkusTest
class StuckRequestsTest {
    private static final String PREPROCESSORS = "imgboard-preprocessor";

    @Inject
    DataSource dataSource;
    @Inject
    Requeue requeue;

    @Test
    void anUnansweredRequestIsAskedAgainOnlyOnceThePreprocessorsHaveReadEveryRequest() throws Exception {
        String sha = newSha256();
        send(arrived("folder:nas", "stuck-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        UUID first = requestId(id);
        askedAnHourAgo(id);

        // Still queued: the preprocessors have not read the topic to its end.
        requeue.sweep();
        assertStays(Topics.PROCESS_REQUESTS, keyed(id), 1, Duration.ofSeconds(3));

        // Read to the end and still unanswered: the request was lost, so it is asked for again.
        await().atMost(Pipeline.TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            readToTheEndAsThePreprocessors();
            requeue.sweep();
            return recordsNow(Topics.PROCESS_REQUESTS, keyed(id)).size() > 1;
        });
        assertEquals(first, requestId(id), "the first request is still the first on the topic");
    }

    /**
     * An operator deletes a photo while the sweep is asking again for it (the delete's transaction holds the
     * row across the sweep, committing once the sweep waits on it). The photo is not asked for again: asking
     * takes its renditions back from the deletion queue, so they would stay in the bucket for good.
     */
    @Test
    void aPhotoDeletedWhileTheSweepAsksAgainIsNotAskedFor() throws Exception {
        String sha = newSha256();
        send(arrived("folder:nas", "deleted-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        requestId(id);
        askedAnHourAgo(id);
        readToTheEndAsThePreprocessors();
        Db db = new Db(dataSource);
        try (Connection operator = db.leftOpen("UPDATE photo SET deleted_at = now() WHERE id = ?", id)) {
            // A sweep that finds requests unread by the preprocessors leaves the photo alone: sweep until one waits on its row.
            List<CompletableFuture<Void>> sweeps = new java.util.ArrayList<>(List.of(CompletableFuture.runAsync(requeue::sweep)));
            await().atMost(Pipeline.TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (db.waitingFor(operator) > 0) {
                    return true;
                }
                if (sweeps.get(sweeps.size() - 1).isDone()) {
                    readToTheEndAsThePreprocessors();
                    sweeps.add(CompletableFuture.runAsync(requeue::sweep));
                }
                return false;
            });
            operator.commit();
            for (CompletableFuture<Void> sweep : sweeps) {
                sweep.get(60, TimeUnit.SECONDS);
            }
        }
        assertStays(Topics.PROCESS_REQUESTS, keyed(id), 1, Duration.ofSeconds(3));
    }

    private void askedAnHourAgo(UUID id) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE photo SET requested_at = now() - interval '1 hour' WHERE id = ?")) {
            s.setObject(1, id);
            assertEquals(1, s.executeUpdate());
        }
    }

    /** Commits the preprocessors' group at the end of every partition, as a preprocessor that has read all. */
    private static void readToTheEndAsThePreprocessors() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, PREPROCESSORS,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PROCESS_REQUESTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            consumer.endOffsets(partitions).forEach((tp, end) -> ends.put(tp, new OffsetAndMetadata(end)));
            consumer.commitSync(ends);
        }
    }
}
