package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class PhotoRepository implements PanacheRepositoryBase<PhotoEntity, UUID> {

    public Optional<PhotoEntity> findBySha256(String sha256) {
        return find("sha256", sha256).firstResultOptional();
    }

    /**
     * Creates a PENDING photo unless one with this sha256 exists. An {@code ON CONFLICT} insert rather
     * than find-then-persist, so that two ledger instances racing on the same new file cannot fail
     * each other's transaction on the unique constraint.
     *
     * @return true when this call created the photo
     */
    public boolean insertPendingIfAbsent(UUID id, String sha256, String originalKey, String contentType, long size,
                                         Instant fileModifiedAt, UUID requestId, Instant now) {
        int inserted = getEntityManager().createNativeQuery("""
                        INSERT INTO photo (id, sha256, status, original_key, content_type, size, file_modified_at,
                                           last_request_id, created_at, updated_at)
                        VALUES (:id, :sha256, 'PENDING', :originalKey, :contentType, :size, :fileModifiedAt,
                                :requestId, :now, :now)
                        ON CONFLICT (sha256) DO NOTHING""")
                .setParameter("id", id)
                .setParameter("sha256", sha256)
                .setParameter("originalKey", originalKey)
                .setParameter("contentType", contentType)
                .setParameter("size", size)
                .setParameter("fileModifiedAt", fileModifiedAt)
                .setParameter("requestId", requestId)
                .setParameter("now", now)
                .executeUpdate();
        return inserted == 1;
    }

    /** Newest first; {@code status} null means every status. */
    public List<PhotoEntity> newest(PhotoStatus status, int limit) {
        Sort order = Sort.descending("createdAt", "id");
        return (status == null ? findAll(order) : find("status", order, status)).page(Page.ofSize(limit)).list();
    }

    /** Failed photos, most recent failure first. */
    public List<PhotoEntity> failed(int limit) {
        return find("status", Sort.descending("failedAt", "id"), PhotoStatus.FAILED).page(Page.ofSize(limit)).list();
    }

    public PhotoCounts counts() {
        Object[] row = (Object[]) getEntityManager().createNativeQuery("""
                        SELECT (SELECT count(*) FROM photo),
                               (SELECT count(*) FROM photo WHERE status = 'READY'),
                               (SELECT count(*) FROM photo WHERE status = 'PENDING'),
                               (SELECT count(*) FROM photo WHERE status = 'FAILED'),
                               (SELECT count(*) FROM origin),
                               (SELECT count(DISTINCT photo_id) FROM origin)""")
                .getSingleResult();
        return new PhotoCounts(number(row[0]), number(row[1]), number(row[2]), number(row[3]), number(row[4]),
                number(row[5]));
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
