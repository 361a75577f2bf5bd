package io.imgboard.preprocessor.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.ProcessingResult;
import io.imgboard.events.Topics;
import io.imgboard.telemetry.Tracing;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

import java.io.UncheckedIOException;

/** Publishes results keyed by photo id and returns only once the broker has acknowledged them (acks=all). */
@ApplicationScoped
public class ResultPublisher {
    private final MutinyEmitter<String> emitter;
    private final ObjectMapper mapper;

    ResultPublisher(@Channel(Channels.PROCESSING_RESULTS) MutinyEmitter<String> emitter, ObjectMapper mapper) {
        this.emitter = emitter;
        this.mapper = mapper;
    }

    public void publish(ProcessingResult result) {
        // In the trace of the request being answered (the consumer's context is current on this thread).
        emitter.sendMessageAndAwait(KafkaRecord.of(result.photoId().toString(), json(result))
                .addMetadata(Tracing.following(Context.current())));
    }

    /**
     * Sends the result to {@link Topics#WARM_UP} (keyed {@code preprocessor}, read by nobody) through the
     * same emitter and producer as {@link #publish}, so the first photo's send path is warm.
     */
    public void publishWarmUp(ProcessingResult result) {
        emitter.sendMessageAndAwait(KafkaRecord.of(Topics.WARM_UP, "preprocessor", json(result)));
    }

    private String json(ProcessingResult result) {
        try {
            // Written through the sealed interface so the "type" discriminator is always there.
            return mapper.writerFor(ProcessingResult.class).writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
