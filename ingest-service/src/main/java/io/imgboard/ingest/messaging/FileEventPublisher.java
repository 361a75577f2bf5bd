package io.imgboard.ingest.messaging;

import io.imgboard.events.FileEvent;
import io.imgboard.events.Topics;
import io.imgboard.telemetry.Tracing;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Sends file events and returns only once the broker has acknowledged them (acks=all). */
@ApplicationScoped
public class FileEventPublisher {
    private final MutinyEmitter<FileEvent> emitter;

    FileEventPublisher(@Channel(Channels.FILES_OUT) MutinyEmitter<FileEvent> emitter) {
        this.emitter = emitter;
    }

    /**
     * Publishes with the event's key (its source), so the ledger sees a source's events in the order they happened.
     *
     * @throws PublishException when the broker did not acknowledge it within the producer's delivery timeout
     */
    public void publish(FileEvent event) {
        send(event, OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build());
    }

    /**
     * Sends the event to {@link Topics#WARM_UP} (keyed {@code ingest}, read by nobody) through the same
     * emitter, serializer and producer as {@link #publish}, so the first upload's send path is warm.
     *
     * @throws PublishException as {@link #publish} does
     */
    public void publishWarmUp(FileEvent event) {
        send(event, OutgoingKafkaRecordMetadata.<String>builder().withTopic(Topics.WARM_UP).withKey("ingest").build());
    }

    private void send(FileEvent event, OutgoingKafkaRecordMetadata<String> where) {
        Message<FileEvent> message = Message.of(event)
                .addMetadata(where)
                // The upload's trace when there is one; the Kafka connector writes it as the traceparent header.
                .addMetadata(Tracing.following(Context.current()));
        try {
            emitter.sendMessageAndAwait(message);
        } catch (RuntimeException e) {
            throw new PublishException("Kafka did not acknowledge the event for " + event.place() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }
}
