package io.imgboard.preprocessor.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingResult;
import io.imgboard.preprocessor.service.PhotoPreprocessor;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

/**
 * Reads process requests and answers each with a result on the results topic.
 *
 * <p>Work runs on the {@value Channels#WORKER_POOL} pool, one image per thread and several at once
 * ({@code ordered = false}); offsets are committed as contiguous records finish. A request is
 * acknowledged only after its result is acknowledged by the broker. A record that is not a
 * ProcessRequested at all fails here and goes to the dead-letter topic; nothing stalls the partition.
 */
@ApplicationScoped
public class ProcessRequestConsumer {
    private final PhotoPreprocessor preprocessor;
    private final ResultPublisher publisher;
    private final ObjectMapper mapper;

    ProcessRequestConsumer(PhotoPreprocessor preprocessor, ResultPublisher publisher, ObjectMapper mapper) {
        this.preprocessor = preprocessor;
        this.publisher = publisher;
        this.mapper = mapper;
    }

    @Incoming(Channels.PROCESS_REQUESTS)
    @Blocking(value = Channels.WORKER_POOL, ordered = false)
    public void consume(String payload, IncomingKafkaRecordMetadata<String, String> metadata) {
        ProcessRequested request = parse(payload, metadata);
        MDC.put("photoId", request.photoId().toString());
        try {
            Log.debugf("request %s for %s (%s)", request.eventId(), request.originalKey(), request.reason());
            ProcessingResult result = preprocessor.process(request);
            publisher.publish(result);
        } finally {
            MDC.remove("photoId");
        }
    }

    private ProcessRequested parse(String payload, IncomingKafkaRecordMetadata<String, String> metadata) {
        String where = metadata == null ? "" : " at " + metadata.getTopic() + "-" + metadata.getPartition() + "@"
                + metadata.getOffset();
        if (payload == null || payload.isBlank()) {
            throw new UnreadableRequestException("empty process request" + where, null);
        }
        try {
            ProcessRequested request = mapper.readValue(payload, ProcessRequested.class);
            if (request == null || request.photoId() == null) {
                throw new UnreadableRequestException("process request without a photo id" + where, null);
            }
            return request;
        } catch (JsonProcessingException e) {
            throw new UnreadableRequestException("unreadable process request" + where + ": "
                    + e.getOriginalMessage(), e);
        }
    }
}
