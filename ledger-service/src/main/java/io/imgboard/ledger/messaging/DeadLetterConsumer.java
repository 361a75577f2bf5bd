package io.imgboard.ledger.messaging;

import io.imgboard.ledger.service.DeadLetters;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code imgboard.dead-letter} → stored dead letters (every service's, with the headers SmallRye's
 * dead-letter strategy writes: the original topic, partition, offset, and the error).
 */
@ApplicationScoped
class DeadLetterConsumer {
    private final InboundEvents inbound;
    private final DeadLetters deadLetters;

    DeadLetterConsumer(InboundEvents inbound, DeadLetters deadLetters) {
        this.inbound = inbound;
        this.deadLetters = deadLetters;
    }

    @Incoming(Channels.DEAD_LETTERS)
    @Blocking
    @SuppressWarnings("unchecked")
    CompletionStage<Void> consume(Message<byte[]> message) {
        var metadata = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        if (metadata == null) {
            return message.ack();
        }
        Headers headers = metadata.getHeaders();
        Object key = metadata.getKey();
        byte[] keyBytes = key instanceof byte[] bytes ? bytes : key == null ? null
                : key.toString().getBytes(StandardCharsets.UTF_8);
        DeadLetters.Incoming record = new DeadLetters.Incoming(metadata.getPartition(), metadata.getOffset(),
                header(headers, "dead-letter-topic"), integer(header(headers, "dead-letter-partition")),
                number(header(headers, "dead-letter-offset")), keyBytes, message.getPayload(),
                header(headers, "dead-letter-reason"), header(headers, "dead-letter-cause"));
        CompletionStage<Void> settled = inbound.apply(message, "dead letter " + metadata.getPartition() + "/"
                + metadata.getOffset(), () -> deadLetters.store(record));
        return settled == null ? CompletableFuture.completedFuture(null) : settled;
    }

    private static String header(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Integer integer(String value) {
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long number(String value) {
        try {
            return value == null ? null : Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
