package io.imgboard.ledger.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.ledger.persistence.OutboxEntity;
import io.imgboard.ledger.persistence.OutboxRepository;
import io.imgboard.telemetry.Tracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import java.time.Instant;

/**
 * Writes events to the outbox table in the caller's transaction (never straight to Kafka: a change
 * and the event it causes commit together or not at all). The relay sends them after the commit.
 */
@ApplicationScoped
public class Outbox {
    private final OutboxRepository rows;
    private final ObjectMapper json;
    private final Event<OutboxWritten> written;

    Outbox(OutboxRepository rows, ObjectMapper json, Event<OutboxWritten> written) {
        this.rows = rows;
        this.json = json;
        this.written = written;
    }

    /** Adds an event for {@code topic} under {@code key}; {@code event} null writes a tombstone. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void add(String topic, String key, Object event) {
        OutboxEntity row = new OutboxEntity();
        row.topic = topic;
        row.messageKey = key;
        row.payload = event == null ? null : serialize(event);
        row.createdAt = Instant.now();
        row.traceparent = Tracing.traceparent();
        rows.persist(row);
        written.fire(new OutboxWritten(topic));
    }

    /** Adds an already-serialized record (a replayed dead letter); {@code payload} null is a tombstone. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void addRaw(String topic, String key, String payload) {
        OutboxEntity row = new OutboxEntity();
        row.topic = topic;
        row.messageKey = key == null ? "" : key;
        row.payload = payload;
        row.createdAt = Instant.now();
        row.traceparent = Tracing.traceparent();
        rows.persist(row);
        written.fire(new OutboxWritten(topic));
    }

    private String serialize(Object event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + event.getClass().getSimpleName(), e);
        }
    }
}
