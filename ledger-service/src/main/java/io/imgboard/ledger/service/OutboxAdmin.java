package io.imgboard.ledger.service;

import io.imgboard.events.Topics;
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

    /**
     * Sends a parked row again, unless it is a compacted topic's (the catalog's) and a later row of its key
     * exists: the topic keeps the last record of a key, so the replayed older state would stand in its place
     * (a deleted photo back on the frames). That is {@link IllegalStateException}, with the later row named.
     */
    @Transactional
    public Optional<Parked> replay(long id) {
        OutboxEntity row = rows.findById(id);
        if (row == null || row.parkedAt == null || row.sentAt != null) {
            return Optional.empty();
        }
        if (Boolean.TRUE.equals(Topics.ALL.get(row.topic))) {
            Optional<OutboxEntity> later = rows.find("topic = ?1 and messageKey = ?2 and id > ?3",
                    io.quarkus.panache.common.Sort.descending("id"), row.topic, row.messageKey, row.id).firstResultOptional();
            if (later.isPresent()) {
                throw new IllegalStateException("outbox row " + id + " is superseded by row " + later.get().id
                        + ", written later for the same key of the compacted " + row.topic
                        + ": the topic keeps a key's last record, so replaying this one would put older state in its place");
            }
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
