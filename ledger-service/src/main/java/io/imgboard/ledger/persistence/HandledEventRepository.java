package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/** Ids of the events the ledger has applied, so that a redelivered event changes nothing. */
@ApplicationScoped
public class HandledEventRepository {

    /**
     * Records the event as handled in the current transaction.
     *
     * @return true the first time; false when it was handled before (or is being handled by a
     * concurrent transaction that then committed: PostgreSQL waits for it)
     */
    public boolean markHandled(UUID eventId, Instant at) {
        return Panache.getEntityManager()
                .createNativeQuery("INSERT INTO handled_event (event_id, handled_at) VALUES (:id, :at) ON CONFLICT DO NOTHING")
                .setParameter("id", eventId)
                .setParameter("at", at)
                .executeUpdate() == 1;
    }

    public int deleteHandledBefore(Instant before) {
        return Panache.getEntityManager()
                .createNativeQuery("DELETE FROM handled_event WHERE handled_at < :before")
                .setParameter("before", before)
                .executeUpdate();
    }
}
