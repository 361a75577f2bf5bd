package io.imgboard.ledger.messaging;

import io.imgboard.events.Topics;
import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.support.KafkaAdmins;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How many process requests the preprocessors have yet to read: the end of each partition of
 * {@link Topics#PROCESS_REQUESTS} against what their consumer group has committed (from a
 * partition's start where it has committed nothing), as {@code kafka-consumer-groups.sh --describe}
 * counts lag. A request behind others is queued, not lost: on 2 cores a folder of a few thousand new
 * photos keeps the preprocessor busy for longer than {@code stuck-after}, and asking again for each
 * of them would put a second request behind the first and make the preprocessor do every photo twice.
 */
@ApplicationScoped
public class PreprocessorBacklog {
    private static final Duration CALL = Duration.ofSeconds(5);

    private final Map<String, Object> kafka;
    private final String group;
    private Admin admin;

    PreprocessorBacklog(@Identifier("default-kafka-broker") Map<String, Object> kafka, LedgerConfig config) {
        this.kafka = kafka;
        this.group = config.processing().preprocessorGroup();
    }

    /** Requests not yet read by the preprocessors; empty when the broker cannot say now. */
    public OptionalLong unread() {
        try {
            return OptionalLong.of(count());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            Log.debugf("the preprocessors' backlog cannot be read now: %s", cause.toString());
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    private synchronized long count() throws ExecutionException, InterruptedException, TimeoutException {
        if (admin == null) {
            admin = KafkaAdmins.create(kafka, "imgboard-ledger-backlog", CALL);
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        admin.describeTopics(java.util.List.of(Topics.PROCESS_REQUESTS)).allTopicNames()
                .get(CALL.toMillis(), TimeUnit.MILLISECONDS).get(Topics.PROCESS_REQUESTS).partitions()
                .forEach(p -> {
                    TopicPartition tp = new TopicPartition(Topics.PROCESS_REQUESTS, p.partition());
                    latest.put(tp, OffsetSpec.latest());
                    earliest.put(tp, OffsetSpec.earliest());
                });
        ListOffsetsOptions committedOnly = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest, committedOnly).all()
                .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> starts = admin.listOffsets(earliest, committedOnly).all()
                .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> read = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
        long unread = 0;
        for (var end : ends.entrySet()) {
            OffsetAndMetadata committed = read.get(end.getKey());
            long from = committed != null ? committed.offset() : starts.get(end.getKey()).offset();
            unread += Math.max(0, end.getValue().offset() - from);
        }
        return unread;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
