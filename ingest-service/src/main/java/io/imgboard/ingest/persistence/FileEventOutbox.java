package io.imgboard.ingest.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.FileEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;

/**
 * File events waiting for Kafka ({@code file_event_outbox}). {@link #add} joins the caller's
 * transaction, so the event commits with the change that caused it; the relay reads them in the
 * order they were written and deletes each once the broker acknowledged it.
 */
@ApplicationScoped
public class FileEventOutbox {
    /** One waiting event; {@code event} is the JSON the {@code imgboard.files} topic carries. */
    public record Pending(long id, FileEvent event, int attempts) {
    }

    private final EntityManager em;
    private final ObjectMapper json;

    FileEventOutbox(EntityManager em, ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(FileEvent event) {
        String body;
        try {
            body = json.writerFor(FileEvent.class).writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a file event that cannot be written as JSON: " + event, e);
        }
        em.createNativeQuery("INSERT INTO file_event_outbox (event_key, event, created_at) VALUES (:key, :event, :at)")
                .setParameter("key", event.key()).setParameter("event", body).setParameter("at", Instant.now())
                .executeUpdate();
    }

    /** The oldest waiting events, oldest first. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Pending> oldest(int limit) {
        List<Object[]> rows = em.createNativeQuery(
                        "SELECT id, event, attempts FROM file_event_outbox ORDER BY id LIMIT :limit")
                .setParameter("limit", limit).getResultList();
        return rows.stream().map(r -> {
            try {
                return new Pending(((Number) r[0]).longValue(), json.readValue((String) r[1], FileEvent.class),
                        ((Number) r[2]).intValue());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("outbox row " + r[0] + " is not a file event", e);
            }
        }).toList();
    }

    @Transactional
    public void sent(long id) {
        em.createNativeQuery("DELETE FROM file_event_outbox WHERE id = :id").setParameter("id", id).executeUpdate();
    }

    @Transactional
    public void failed(long id, String error) {
        em.createNativeQuery("UPDATE file_event_outbox SET attempts = attempts + 1, last_error = :error WHERE id = :id")
                .setParameter("id", id)
                .setParameter("error", error == null ? null : error.substring(0, Math.min(error.length(), 1000)))
                .executeUpdate();
    }

    /** How many events of this source id wait. */
    @Transactional
    public long waitingFor(String sourceId) {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM file_event_outbox WHERE CAST(event AS jsonb) ->> 'sourceId' = :source")
                .setParameter("source", sourceId).getSingleResult()).longValue();
    }

    /**
     * How many events wait that concern {@code path} of this source: its own (a removal, a move away) or a
     * move onto it. An arrival announced before them would reach the ledger first, and be undone by them.
     */
    @Transactional
    public long waitingForPath(String sourceId, String path) {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM file_event_outbox WHERE CAST(event AS jsonb) ->> 'sourceId' = :source"
                        + " AND :path IN (CAST(event AS jsonb) ->> 'path', CAST(event AS jsonb) ->> 'toPath')")
                .setParameter("source", sourceId).setParameter("path", path).getSingleResult()).longValue();
    }

    @Transactional
    public long waiting() {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM file_event_outbox").getSingleResult()).longValue();
    }
}
