package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reprocess jobs and their items ({@code reprocess_job}, {@code reprocess_item}). */
@ApplicationScoped
public class JobRepository {

    /** One job as stored. */
    public record JobRow(UUID id, String scope, String state, int total, int done, int failed, Instant startedAt,
                         Instant updatedAt, Instant finishedAt) {
    }

    private static EntityManager em() {
        return Panache.getEntityManager();
    }

    /** Takes the job lock: starting and finishing jobs never interleave. */
    public void lock() {
        em().createNativeQuery("SELECT pg_advisory_xact_lock(7170001)").getSingleResult();
    }

    /** Takes the job lock if no other transaction holds it; whether it did. */
    public boolean tryLock() {
        return (Boolean) em().createNativeQuery("SELECT pg_try_advisory_xact_lock(7170001)").getSingleResult();
    }

    public Optional<JobRow> running() {
        return one("SELECT * FROM reprocess_job WHERE state = 'running'");
    }

    public Optional<JobRow> latest() {
        return one("SELECT * FROM reprocess_job ORDER BY (state = 'running') DESC, started_at DESC LIMIT 1");
    }

    /** Whether a job over the whole library started after {@code since} (a job leaves out retired photos). */
    public boolean wholeLibraryJobSince(Instant since) {
        return ((Number) em().createNativeQuery("SELECT count(*) FROM reprocess_job WHERE scope = 'all' AND started_at > :since")
                .setParameter("since", since).getSingleResult()).longValue() > 0;
    }

    public void replace(UUID id, Instant now) {
        em().createNativeQuery("UPDATE reprocess_job SET state = 'replaced', finished_at = :now, updated_at = :now WHERE id = :id")
                .setParameter("now", now).setParameter("id", id).executeUpdate();
    }

    /** Creates the job with one waiting item per photo; a job without photos is finished at once. */
    public void create(UUID id, String scope, List<UUID> photoIds, Instant now) {
        em().createNativeQuery("""
                        INSERT INTO reprocess_job (id, scope, state, total, started_at, updated_at, finished_at)
                        VALUES (:id, :scope, :state, :total, :now, :now, :finished)""")
                .setParameter("id", id).setParameter("scope", scope)
                .setParameter("state", photoIds.isEmpty() ? "finished" : "running")
                .setParameter("total", photoIds.size()).setParameter("now", now)
                .setParameter("finished", photoIds.isEmpty() ? now : null)
                .executeUpdate();
        if (!photoIds.isEmpty()) {
            em().createNativeQuery("""
                            INSERT INTO reprocess_item (job_id, photo_id, state, updated_at)
                            SELECT :id, p, 'waiting', :now FROM unnest(CAST(:photos AS uuid[])) AS p""")
                    .setParameter("id", id).setParameter("now", now)
                    .setParameter("photos", photoIds.toArray(UUID[]::new))
                    .executeUpdate();
        }
    }

    /** How a job's item ends. */
    public enum Outcome {
        /** Rendered again. */
        DONE("done", "done = done + 1"),
        /** Its rendering failed. */
        FAILED("failed", "failed = failed + 1"),
        /** It left the job unrendered (deleted, or a twin now): neither done nor failed, and no longer in the total. */
        LEFT("left", "total = total - 1");

        final String state;
        final String count;

        Outcome(String state, String count) {
            this.state = state;
            this.count = count;
        }
    }

    /**
     * Settles the photo's waiting item in the running job, if it has one and it was asked for (a
     * result of an older request leaves an item not yet asked for alone) or the photo left the job,
     * and finishes the job when every item is settled; whether it had one.
     */
    @SuppressWarnings("unchecked")
    public boolean settle(UUID photoId, Outcome outcome, String reason, Instant now) {
        List<Object> jobs = em().createNativeQuery("""
                        UPDATE reprocess_item SET state = :state, reason = :reason, updated_at = :now
                        WHERE photo_id = :photo AND state = 'waiting'
                          AND (requested_at IS NOT NULL OR :left)
                          AND job_id IN (SELECT id FROM reprocess_job WHERE state = 'running')
                        RETURNING job_id""")
                .setParameter("state", outcome.state).setParameter("reason", reason)
                .setParameter("left", outcome == Outcome.LEFT)
                .setParameter("now", now).setParameter("photo", photoId)
                .getResultList();
        for (Object job : jobs) {
            em().createNativeQuery("UPDATE reprocess_job SET " + outcome.count + ", updated_at = :now WHERE id = :id")
                    .setParameter("now", now).setParameter("id", job).executeUpdate();
            em().createNativeQuery("""
                            UPDATE reprocess_job SET state = 'finished', finished_at = :now
                            WHERE id = :id AND state = 'running' AND done + failed >= total""")
                    .setParameter("now", now).setParameter("id", job).executeUpdate();
        }
        return !jobs.isEmpty();
    }

    /**
     * Marks as asked for, and returns, as many of the job's items not yet asked for as keep
     * {@code inFlight} items asked for and still waiting for a result. Call under {@link #lock()}.
     */
    @SuppressWarnings("unchecked")
    public List<UUID> nextToRequest(UUID jobId, int inFlight, Instant now) {
        return em().createNativeQuery("""
                        WITH flying AS (
                            SELECT count(*) AS n FROM reprocess_item
                            WHERE job_id = :id AND state = 'waiting' AND requested_at IS NOT NULL),
                        picked AS (
                            SELECT photo_id FROM reprocess_item
                            WHERE job_id = :id AND state = 'waiting' AND requested_at IS NULL
                            ORDER BY photo_id
                            LIMIT GREATEST(0, :k - (SELECT n FROM flying)))
                        UPDATE reprocess_item i SET requested_at = :now
                        FROM picked WHERE i.job_id = :id AND i.photo_id = picked.photo_id
                        RETURNING i.photo_id""")
                .setParameter("id", jobId).setParameter("k", inFlight).setParameter("now", now)
                .getResultList();
    }

    /** Photos of the running job still waiting for a result. */
    @SuppressWarnings("unchecked")
    public List<UUID> waiting(UUID jobId) {
        return em().createNativeQuery("SELECT photo_id FROM reprocess_item WHERE job_id = :id AND state = 'waiting'")
                .setParameter("id", jobId).getResultList();
    }

    @SuppressWarnings("unchecked")
    private Optional<JobRow> one(String sql) {
        List<Object[]> rows = em().createNativeQuery(
                        "SELECT id, scope, state, total, done, failed, started_at, updated_at, finished_at FROM ("
                                + sql + ") j")
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        return Optional.of(new JobRow((UUID) r[0], (String) r[1], (String) r[2], ((Number) r[3]).intValue(),
                ((Number) r[4]).intValue(), ((Number) r[5]).intValue(), instant(r[6]), instant(r[7]), instant(r[8])));
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("not a time: " + value.getClass());
    }
}
