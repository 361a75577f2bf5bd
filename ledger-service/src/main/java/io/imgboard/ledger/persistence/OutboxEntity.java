package io.imgboard.ledger.persistence;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An event waiting to be relayed to Kafka, written in the same transaction as the change that caused it. */
@Entity
@Table(name = "outbox")
public class OutboxEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String topic;
    public String messageKey;
    /** Serialized JSON; null is a tombstone. */
    public String payload;
    public Instant createdAt;
    public Instant sentAt;
    public int attempts;
    public String lastError;
    public Instant nextAttemptAt;
    /** Set when the row cannot be sent (not an outage): no longer tried until replayed. */
    public Instant parkedAt;
    /** W3C trace context of the change that wrote the row, so the sent record stays in the photo's trace; may be null. */
    public String traceparent;
}
