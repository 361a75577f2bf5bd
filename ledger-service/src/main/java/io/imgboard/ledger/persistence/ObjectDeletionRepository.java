package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** The queue of S3 objects to delete ({@code object_deletion}). */
@ApplicationScoped
public class ObjectDeletionRepository {

    public record Due(long id, String bucket, String key, int attempts) {
    }

    /**
     * Queues a deletion to be carried out from {@code due} on, unless one of the same object is waiting already
     * (asked again each time a deleted photo's group changes, it is one deletion).
     */
    public void addOnce(String bucket, String key, Instant now, Instant due) {
        Panache.getEntityManager().createNativeQuery("""
                        INSERT INTO object_deletion (bucket, object_key, created_at, next_attempt_at)
                        SELECT :bucket, :key, :now, :due WHERE NOT EXISTS (SELECT 1 FROM object_deletion
                            WHERE bucket = :bucket AND object_key = :key AND done_at IS NULL)""")
                .setParameter("bucket", bucket).setParameter("key", key).setParameter("now", now)
                .setParameter("due", due).executeUpdate();
    }

    public void add(String bucket, String key, Instant now) {
        Panache.getEntityManager().createNativeQuery(
                        "INSERT INTO object_deletion (bucket, object_key, created_at) VALUES (:bucket, :key, :now)")
                .setParameter("bucket", bucket).setParameter("key", key).setParameter("now", now).executeUpdate();
    }

    /**
     * Takes back the deletions of these objects that have not run (waiting for a sweep that holds them
     * locked, this waits for it: then they have run, and the object is gone before anything is written).
     */
    public int takeBack(String bucket, List<String> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        return Panache.getEntityManager().createNativeQuery(
                        "DELETE FROM object_deletion WHERE bucket = :bucket AND object_key IN (:keys) AND done_at IS NULL")
                .setParameter("bucket", bucket).setParameter("keys", keys).executeUpdate();
    }

    @SuppressWarnings("unchecked")
    public List<Due> lockDue(int limit, Instant now) {
        List<Object[]> rows = Panache.getEntityManager().createNativeQuery("""
                        SELECT id, bucket, object_key, attempts FROM object_deletion
                        WHERE done_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= :now)
                        ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED""")
                .setParameter("now", now).setParameter("limit", limit).getResultList();
        return rows.stream().map(r -> new Due(((Number) r[0]).longValue(), (String) r[1], (String) r[2],
                ((Number) r[3]).intValue())).toList();
    }

    public void done(long id, Instant now) {
        Panache.getEntityManager().createNativeQuery("UPDATE object_deletion SET done_at = :now WHERE id = :id")
                .setParameter("now", now).setParameter("id", id).executeUpdate();
    }

    public void failed(long id, String error, Instant next) {
        Panache.getEntityManager().createNativeQuery("""
                        UPDATE object_deletion SET attempts = attempts + 1, last_error = :error, next_attempt_at = :next
                        WHERE id = :id""")
                .setParameter("error", error).setParameter("next", next).setParameter("id", id).executeUpdate();
    }

    public long pending() {
        return ((Number) Panache.getEntityManager()
                .createNativeQuery("SELECT count(*) FROM object_deletion WHERE done_at IS NULL").getSingleResult()).longValue();
    }
}
