package io.imgboard.preprocessor.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingResult;
import io.imgboard.preprocessor.config.PreprocessorConfig;
import io.imgboard.preprocessor.service.PhotoPreprocessor;
import io.imgboard.preprocessor.service.RequestOrder;
import io.imgboard.telemetry.Tracing;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Reads process requests and answers each with a result on the results topic.
 *
 * <p>Work runs on the {@value Channels#WORKER_POOL} pool, one image per thread and several at once
 * ({@code ordered = false}); offsets are committed as contiguous records finish. A request is
 * acknowledged only after its result is acknowledged by the broker.
 *
 * <p>Only a record that is not a ProcessRequested at all is nacked, and so goes to the dead-letter
 * topic. Anything else that fails here — above all publishing the result while Kafka is away — is
 * an outage, not a bad request: it is retried in-process, waiting {@code publish-retry.initial-backoff}
 * doubling up to {@code max-backoff}, for as long as it takes. The image is processed once; only the
 * publish is repeated. When the service stops during the retries the record is neither acked nor
 * nacked: its offset is not committed, so the request is delivered again after the restart.
 */
@ApplicationScoped
public class ProcessRequestConsumer {
    private final BiFunction<ProcessRequested, RequestOrder.Ticket, ProcessingResult> preprocessor;
    /** Notes each request as it is taken, by photo, partition and offset ({@link RequestOrder}). */
    private final RequestOrder.Taker taker;
    private final ResultPublisher publisher;
    private final ObjectMapper mapper;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final CountDownLatch stopping = new CountDownLatch(1);

    @Inject
    ProcessRequestConsumer(PhotoPreprocessor preprocessor, ResultPublisher publisher, ObjectMapper mapper,
            PreprocessorConfig config) {
        this((request, ticket) -> preprocessor.process(request, ticket, early -> publishEarly(publisher, early)),
                preprocessor::take, publisher, mapper, config.publishRetry().initialBackoff(),
                config.publishRetry().maxBackoff());
    }

    /**
     * An early result (a new photo's frames rendition, before the others) is sent once, not retried:
     * if it cannot be, the photo reaches the frames with the complete result, as without it. It is
     * sent before the complete one (the worker waits for that rendition's encode, which includes
     * this send), so the ledger sees them in that order on the photo's partition.
     */
    static void publishEarly(ResultPublisher publisher, ProcessingResult early) {
        try {
            publisher.publish(early);
        } catch (RuntimeException e) {
            Log.warnf("early result for photo %s not published (the complete result follows): %s", early.photoId(),
                    e.toString());
        }
    }

    ProcessRequestConsumer(BiFunction<ProcessRequested, RequestOrder.Ticket, ProcessingResult> preprocessor,
            RequestOrder.Taker taker, ResultPublisher publisher, ObjectMapper mapper, Duration initialBackoff,
            Duration maxBackoff) {
        this.preprocessor = preprocessor;
        this.taker = taker;
        this.publisher = publisher;
        this.mapper = mapper;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff.compareTo(initialBackoff) < 0 ? initialBackoff : maxBackoff;
    }

    @Incoming(Channels.PROCESS_REQUESTS)
    @Blocking(value = Channels.WORKER_POOL, ordered = false)
    public CompletionStage<Void> consume(Message<String> message) {
        ProcessRequested request;
        IncomingKafkaRecordMetadata<?, ?> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        try {
            request = parse(message.getPayload(), metadata);
        } catch (UnreadableRequestException e) {
            Log.warnf("%s: sent to the dead-letter topic", e.getMessage());
            return message.nack(e);
        }
        MDC.put("photoId", request.photoId().toString());
        try (Scope traced = Tracing.enter(Tracing.of(message))) {
            Log.debugf("request %s for %s (%s)", request.eventId(), request.originalKey(), request.reason());
            RequestOrder.Ticket ticket = metadata == null ? RequestOrder.Ticket.UNORDERED
                    : taker.take(request.photoId(), metadata.getPartition(), metadata.getOffset());
            if (answer(request, ticket)) {
                return message.ack();
            }
            Log.infof("stopping before the result of request %s was published: left unacknowledged, it will be "
                    + "delivered again", request.eventId());
            return CompletableFuture.completedFuture(null);
        } finally {
            MDC.remove("photoId");
        }
    }

    /** Stops the retries: a request still waiting for its result to be published stays unacknowledged. */
    void stop(@Observes @Priority(1) ShutdownEvent event) {
        stop();
    }

    void stop() {
        stopping.countDown();
    }

    /** Processes the request and publishes its result; false when the service stopped before that succeeded. */
    private boolean answer(ProcessRequested request, RequestOrder.Ticket ticket) {
        ProcessingResult result = null;
        Duration backoff = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            if (stopping.getCount() == 0) {
                return false;
            }
            try {
                if (result == null) {
                    result = preprocessor.apply(request, ticket);
                }
                publisher.publish(result);
                Log.debugf("result of request %s published at %s", request.eventId(), java.time.Instant.now());
                if (attempt > 1) {
                    Log.infof("result of request %s published after %d attempts", request.eventId(), attempt);
                }
                return true;
            } catch (RuntimeException e) {
                Log.warnf("%s request %s failed (attempt %d), trying again in %d ms: %s",
                        result == null ? "processing" : "publishing the result of", request.eventId(), attempt,
                        backoff.toMillis(), e.toString());
            }
            if (waitOrStop(backoff)) {
                return false;
            }
            Duration doubled = backoff.multipliedBy(2);
            backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
        }
    }

    /** Waits {@code backoff}; true when the service is stopping (or the worker was interrupted). */
    private boolean waitOrStop(Duration backoff) {
        try {
            return stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private ProcessRequested parse(String payload, IncomingKafkaRecordMetadata<?, ?> metadata) {
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
