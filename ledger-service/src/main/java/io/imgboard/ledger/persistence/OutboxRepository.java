package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxEntity, Long> {

    /**
     * Locks the oldest unsent rows that are due, in id order. {@code SKIP LOCKED} lets a second relay
     * (another instance) take the next rows instead of waiting for, or re-sending, these.
     *
     * <p>Per topic and key, only the oldest unsent row is ever due: consumers rely on the order of a
     * key's records, so a row whose send failed (waiting for its next attempt, or being sent by another
     * relay) holds back the later rows of its key, and only those. One batch therefore never holds two
     * rows of one key. A parked row holds back nothing: it will not be sent unless an operator replays it.
     */
    @SuppressWarnings("unchecked")
    public List<OutboxEntity> lockDue(int limit, Instant now) {
        return getEntityManager().createNativeQuery("""
                        SELECT * FROM outbox
                        WHERE sent_at IS NULL AND parked_at IS NULL
                          AND (next_attempt_at IS NULL OR next_attempt_at <= :now)
                          AND NOT EXISTS (SELECT 1 FROM outbox earlier
                                          WHERE earlier.topic = outbox.topic AND earlier.message_key = outbox.message_key
                                            AND earlier.sent_at IS NULL AND earlier.parked_at IS NULL
                                            AND earlier.id < outbox.id)
                        ORDER BY id
                        LIMIT :limit
                        FOR UPDATE SKIP LOCKED""", OutboxEntity.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList();
    }

    public long countUnsent() {
        return count("sentAt is null and parkedAt is null");
    }

    /** Parked rows, newest first. */
    public List<OutboxEntity> parked(int limit) {
        return find("parkedAt is not null and sentAt is null", io.quarkus.panache.common.Sort.descending("id"))
                .page(io.quarkus.panache.common.Page.ofSize(limit)).list();
    }

    public long deleteSentBefore(Instant before) {
        return delete("sentAt < ?1", before);
    }
}
