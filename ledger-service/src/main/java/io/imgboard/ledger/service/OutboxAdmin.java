package io.imgboard.ledger.service;

import io.imgboard.ledger.persistence.OutboxEntity;
import io.imgboard.ledger.persistence.OutboxRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Parked outbox rows: listed, and replayed (sent again from scratch) on an operator's word. */
@ApplicationScoped
public class OutboxAdmin {
    /** A parked row; the payload's size only (it may be what made the broker refuse it). */
    public record Parked(long id, String topic, String key, int payloadChars, int attempts, String lastError,
                         Instant createdAt, Instant parkedAt) {
    }

    private final OutboxRepository rows;
    private final jakarta.enterprise.event.Event<OutboxWritten> written;

    OutboxAdmin(OutboxRepository rows, jakarta.enterprise.event.Event<OutboxWritten> written) {
        this.rows = rows;
        this.written = written;
    }

    @Transactional
    public List<Parked> parked(int limit) {
        return rows.parked(limit).stream().map(OutboxAdmin::view).toList();
    }

    @Transactional
    public Optional<Parked> replay(long id) {
        OutboxEntity row = rows.findById(id);
        if (row == null || row.parkedAt == null || row.sentAt != null) {
            return Optional.empty();
        }
        Parked before = view(row);
        row.parkedAt = null;
        row.attempts = 0;
        row.nextAttemptAt = null;
        written.fire(new OutboxWritten(row.topic));
        Log.infof("parked outbox row %d (%s, key %s) replayed by an operator", id, row.topic, row.messageKey);
        return Optional.of(before);
    }

    private static Parked view(OutboxEntity row) {
        return new Parked(row.id, row.topic, row.messageKey, row.payload == null ? 0 : row.payload.length(),
                row.attempts, row.lastError, row.createdAt, row.parkedAt);
    }
}
