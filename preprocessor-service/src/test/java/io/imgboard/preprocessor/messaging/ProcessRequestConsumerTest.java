package io.imgboard.preprocessor.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.ProcessingResult;
import io.imgboard.preprocessor.service.RequestOrder;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer's answer loop with a publisher that fails like an unreachable broker
 * ({@code sendMessageAndAwait} throwing): the record is acked once a publish succeeds, never
 * nacked (a nack is what sends a record to the dead-letter topic).
 */
class ProcessRequestConsumerTest {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    final AtomicInteger processed = new AtomicInteger();
    final List<ProcessingResult> published = new CopyOnWriteArrayList<>();
    final AtomicInteger acks = new AtomicInteger();
    final List<Throwable> nacks = new CopyOnWriteArrayList<>();

    @Test
    void aPublishThatFailsIsRetriedUntilItSucceedsAndTheRecordIsAckedNotDeadLettered() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        ProcessRequestConsumer consumer = consumer(result -> {
            if (failures.incrementAndGet() <= 5) {
                throw new IllegalStateException("delivery.timeout.ms expired: broker down");
            }
            published.add(result);
        });
        ProcessRequested request = request();

        consumer.consume(message(JSON.writeValueAsString(request))).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertEquals(6, failures.get(), "five failed publishes, then one that went through");
        assertEquals(1, processed.get(), "the image is processed once; only the publish is repeated");
        assertEquals(1, published.size());
        assertEquals(request.photoId(), published.get(0).photoId());
        assertEquals(1, acks.get());
        assertEquals(List.of(), nacks);
    }

    @Test
    void stoppingDuringTheRetriesLeavesTheRecordUnacknowledgedForRedelivery() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        ProcessRequestConsumer[] self = new ProcessRequestConsumer[1];
        self[0] = consumer(result -> {
            if (failures.incrementAndGet() == 3) {
                self[0].stop();
            }
            throw new IllegalStateException("broker down");
        });

        CompletableFuture<Void> done = CompletableFuture.supplyAsync(() -> {
            try {
                return self[0].consume(message(JSON.writeValueAsString(request())));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).thenCompose(stage -> stage);

        assertNull(done.get(10, TimeUnit.SECONDS));
        assertEquals(3, failures.get());
        assertEquals(0, acks.get(), "not acked: the offset must not be committed");
        assertEquals(List.of(), nacks, "not nacked: a valid request never goes to the dead-letter topic");
    }

    @Test
    void onlyAnUnreadableRecordIsNacked() throws Exception {
        ProcessRequestConsumer consumer = consumer(published::add);

        consumer.consume(message("{ not json")).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertEquals(1, nacks.size());
        assertInstanceOf(UnreadableRequestException.class, nacks.get(0));
        assertEquals(0, acks.get());
        assertEquals(0, processed.get());
        assertTrue(published.isEmpty());
    }

    @Test
    void aSuccessfulPublishIsAckedAtOnce() throws Exception {
        ProcessRequestConsumer consumer = consumer(published::add);
        ProcessRequested request = request();

        consumer.consume(message(JSON.writeValueAsString(request))).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertEquals(1, published.size());
        assertSame(ProcessingFailed.class, published.get(0).getClass());
        assertEquals(1, acks.get());
        assertEquals(List.of(), nacks);
    }

    private ProcessRequestConsumer consumer(Consumer<ProcessingResult> publish) {
        ResultPublisher publisher = new ResultPublisher(null, JSON) {
            @Override
            public void publish(ProcessingResult result) {
                publish.accept(result);
            }
        };
        return new ProcessRequestConsumer((request, ticket) -> {
            processed.incrementAndGet();
            return new ProcessingFailed(UUID.randomUUID(), Instant.now(), request.photoId(), request.eventId(),
                    "the request names no original", true);
        }, RequestOrder.Ticket::new, publisher, JSON, Duration.ofMillis(1), Duration.ofMillis(4));
    }

    private Message<String> message(String payload) {
        return Message.of(payload, () -> {
            acks.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }, reason -> {
            nacks.add(reason);
            return CompletableFuture.completedFuture(null);
        });
    }

    private static ProcessRequested request() {
        return new ProcessRequested(UUID.randomUUID(), Instant.now(), UUID.randomUUID(), "ab".repeat(32),
                "originals/ab/" + "ab".repeat(32), "image/jpeg", List.of(), ProcessRequested.Reason.NEW);
    }
}
