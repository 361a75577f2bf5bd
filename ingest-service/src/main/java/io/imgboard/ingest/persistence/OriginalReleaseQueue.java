package io.imgboard.ingest.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Stored bytes a WebDAV file no longer holds ({@code original_release}), queued in the transaction that changed
 * the namespace and looked at once due ({@code OriginalReleases}). One row per SHA-256: queued again, it waits the
 * longer of the two.
 */
@ApplicationScoped
public class OriginalReleaseQueue {
    private final EntityManager em;

    OriginalReleaseQueue(EntityManager em) {
        this.em = em;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(String sha256, Instant due) {
        em.createNativeQuery("""
                        INSERT INTO original_release (sha256, due_at) VALUES (:sha, :due)
                        ON CONFLICT (sha256) DO UPDATE SET due_at = GREATEST(original_release.due_at, EXCLUDED.due_at)""")
                .setParameter("sha", sha256).setParameter("due", due).executeUpdate();
    }

    /** Up to {@code limit} SHA-256s due at {@code now}, the longest due first. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String> due(Instant now, int limit) {
        return em.createNativeQuery("SELECT sha256 FROM original_release WHERE due_at <= :now ORDER BY due_at LIMIT :limit")
                .setParameter("now", now).setParameter("limit", limit).getResultList();
    }

    @Transactional
    public void done(Collection<String> sha256s) {
        if (!sha256s.isEmpty()) {
            em.createNativeQuery("DELETE FROM original_release WHERE sha256 IN (:shas)").setParameter("shas", sha256s)
                    .executeUpdate();
        }
    }

    @Transactional
    public void postpone(Collection<String> sha256s, Instant until, String error) {
        if (!sha256s.isEmpty()) {
            em.createNativeQuery("""
                            UPDATE original_release SET due_at = :until, attempts = attempts + 1, last_error = :error
                            WHERE sha256 IN (:shas)""")
                    .setParameter("until", until).setParameter("shas", sha256s)
                    .setParameter("error", error == null ? null : error.substring(0, Math.min(error.length(), 1000)))
                    .executeUpdate();
        }
    }
}
