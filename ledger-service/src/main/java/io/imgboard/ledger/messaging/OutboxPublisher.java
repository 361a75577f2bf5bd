package io.imgboard.ledger.messaging;

import io.imgboard.telemetry.Tracing;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.util.concurrent.CompletableFuture;

/** Sends one already-serialized event to the topic its outbox row names, and reports the broker's answer. */
@ApplicationScoped
class OutboxPublisher {
    private final Emitter<Record<String, String>> emitter;

    // The relay sends at most one batch at a time; the buffer only has to hold one batch.
    OutboxPublisher(@Channel(Channels.OUTBOX) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
                    Emitter<Record<String, String>> emitter) {
        this.emitter = emitter;
    }

    /**
     * @param traceparent the trace the record continues (null starts a new one)
     * @return completes when the broker acknowledged the record (acks=all), fails when the send failed
     */
    CompletableFuture<Void> send(String topic, String key, String payload, String traceparent) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .withKey(key)
                .build();
        Message<Record<String, String>> message = Message.of(Record.of(key, payload), Metadata.of(metadata, Tracing.following(Tracing.parse(traceparent))),
                () -> {
                    acknowledged.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acknowledged.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }
}
