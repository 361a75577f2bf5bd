package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
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
    public boolean insertPendingIfAbsent(UUID id, String sha256, String name, String originalKey, String contentType,
                                         long size, Instant fileModifiedAt, UUID requestId, Instant now) {
        int inserted = getEntityManager().createNativeQuery("""
                        INSERT INTO photo (id, sha256, name, status, original_key, content_type, size, file_modified_at,
                                           last_request_id, created_at, updated_at)
                        VALUES (:id, :sha256, :name, 'PENDING', :originalKey, :contentType, :size, :fileModifiedAt,
                                :requestId, :now, :now)
                        ON CONFLICT (sha256) DO NOTHING""")
                .setParameter("id", id)
                .setParameter("sha256", sha256)
                .setParameter("name", name)
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

    /**
     * A failure an operator can act on (photo {@code p}): a photo, not a twin, whose processing failed
     * and that is neither deleted nor retired. A retired one has no file left to fix or retry (a partial
     * write since replaced by the complete file, say); its row stays. The failed list, the failed counts
     * and "retry all" follow this one rule.
     */
    static final String ACTIONABLE_FAILURE =
            "p.status = 'FAILED' AND p.twin_of IS NULL AND p.retired_at IS NULL AND p.deleted_at IS NULL";

    /** Failures an operator can act on ({@link #ACTIONABLE_FAILURE}), most recent first. */
    @SuppressWarnings("unchecked")
    public List<PhotoEntity> failed(int limit) {
        return getEntityManager().createNativeQuery("SELECT p.* FROM photo p WHERE " + ACTIONABLE_FAILURE
                        + " ORDER BY p.failed_at DESC, p.id DESC LIMIT :limit", PhotoEntity.class)
                .setParameter("limit", limit).getResultList();
    }

    /**
     * Failures an operator can act on, and every photo waiting out a temporary failure: what "retry all" asks
     * again; their rows held until the transaction ends, so a photo deleted meanwhile is left alone.
     */
    @SuppressWarnings("unchecked")
    public List<PhotoEntity> retryable() {
        return getEntityManager().createNativeQuery("SELECT p.* FROM photo p WHERE (" + ACTIONABLE_FAILURE
                + ") OR (p.next_retry_at IS NOT NULL AND p.twin_of IS NULL AND p.retired_at IS NULL"
                + " AND p.deleted_at IS NULL) ORDER BY p.id FOR UPDATE", PhotoEntity.class).getResultList();
    }

    /** failure reason → failures an operator can act on. */
    @SuppressWarnings("unchecked")
    public Map<String, Long> failedByReason() {
        List<Object[]> rows = getEntityManager().createNativeQuery(
                "SELECT left(COALESCE(p.failure_reason, 'unknown'), 120), count(*) FROM photo p WHERE "
                        + ACTIONABLE_FAILURE + " GROUP BY 1").getResultList();
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Object[] row : rows) {
            out.put((String) row[0], number(row[1]));
        }
        return out;
    }

    /** The photos that joined this one as near-duplicates. */
    public List<PhotoEntity> twinsOf(UUID primary) {
        return list("twinOf", Sort.ascending("createdAt", "id"), primary);
    }

    /** The photo a content answers for: itself, or the photo it is a twin of. */
    public PhotoEntity primaryOf(PhotoEntity photo) {
        return photo.twinOf == null ? photo : findById(photo.twinOf);
    }

    /** The photo with its row held until the transaction ends ({@code SELECT … FOR UPDATE}), or null. */
    public PhotoEntity findLocked(UUID id) {
        return findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Re-reads {@code photo} and holds its row until the transaction ends ({@code SELECT … FOR UPDATE}), so
     * decisions on whether a photo is shown are taken one at a time, each on the other's outcome: an
     * operator's delete and the same bytes arriving at once once left the deleted photo on the frames
     * (the arrival had read it shown before the delete committed). Pending changes are written first.
     */
    public PhotoEntity lockedForUpdate(PhotoEntity photo) {
        getEntityManager().flush();
        getEntityManager().refresh(photo, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        return photo;
    }

    /**
     * {@link #known}: one parameter, a text[] of sha256s. Also measured by {@code ./imgboard bench catalog}.
     * Deleted content is known: the operator's delete stands whatever arrives, so sending it again does
     * nothing, and a phone that asks must stop sending it. Retired content is not: its bytes arriving
     * again bring the photo back.
     */
    public static final String KNOWN_SQL = """
            SELECT p.sha256 FROM photo p LEFT JOIN photo primary_photo ON primary_photo.id = p.twin_of
            WHERE p.sha256 = ANY(CAST(?1 AS text[]))
              AND (COALESCE(primary_photo.deleted_at, p.deleted_at) IS NOT NULL
                OR COALESCE(primary_photo.retired_at, p.retired_at) IS NULL)""";

    /**
     * Twin candidates by capture time: id, from, to, limit. Retired photos are candidates (a twin
     * brings one back, {@code Retirements}), and so are deleted ones: the operator deleted the shot, so
     * its EXIF rewritten in place or its HEIC arriving later joins it and stays off the frames with it.
     */
    public static final String TWINS_BY_TIME_SQL = """
            SELECT * FROM photo WHERE id <> ?1 AND twin_of IS NULL AND status = 'READY'
              AND phash IS NOT NULL
              AND captured_at BETWEEN ?2 AND ?3 ORDER BY created_at, id LIMIT ?4""";

    /**
     * Twin candidates without a capture time: id, width, height, the four 16-bit bands, limit. The
     * candidates are found first (a bitmap OR of the four band indexes) and only then ordered: asked
     * for "first N by created_at", PostgreSQL walked the created_at index filtering every row, 5 s a
     * look-up at 1,000,000 photos ({@code ./imgboard bench catalog}).
     */
    public static final String TWINS_BY_BANDS_SQL = """
            WITH candidate AS MATERIALIZED (
              SELECT * FROM photo WHERE id <> ?1 AND twin_of IS NULL AND status = 'READY'
                AND phash IS NOT NULL
                AND captured_at IS NULL AND width = ?2 AND height = ?3
                AND (((phash >> 48) & 65535) = ?4 OR ((phash >> 32) & 65535) = ?5
                  OR ((phash >> 16) & 65535) = ?6 OR (phash & 65535) = ?7))
            SELECT * FROM candidate ORDER BY created_at, id LIMIT ?8""";

    /** Which of these sha256s a client need not send: known content (or a twin's), deleted or not retired. */
    @SuppressWarnings("unchecked")
    public List<String> known(Collection<String> sha256s) {
        if (sha256s.isEmpty()) {
            return List.of();
        }
        return getEntityManager().createNativeQuery(KNOWN_SQL)
                .setParameter(1, sha256s.toArray(String[]::new))
                .getResultList();
    }

    /**
     * One page of photos (twins are part of their photo, never listed on their own), newest arrival
     * first, after the cursor (created_at, id) when given.
     */
    @SuppressWarnings("unchecked")
    public List<PhotoEntity> page(PhotoFilter filter, int limit) {
        StringBuilder sql = new StringBuilder("SELECT p.* FROM photo p WHERE p.twin_of IS NULL");
        Map<String, Object> parameters = new HashMap<>();
        if (filter.state() != null) {
            switch (filter.state()) {
                case "RETIRED" -> sql.append(" AND p.retired_at IS NOT NULL AND p.deleted_at IS NULL");
                case "DELETED" -> sql.append(" AND p.deleted_at IS NOT NULL");
                case "HIDDEN" -> sql.append(" AND p.hidden AND p.retired_at IS NULL AND p.deleted_at IS NULL");
                default -> {
                    sql.append(" AND p.status = :status AND p.retired_at IS NULL AND p.deleted_at IS NULL");
                    parameters.put("status", filter.state());
                }
            }
        }
        OriginConditions.append(sql, parameters, filter.sourceIds(), filter.deviceId());
        if (filter.from() != null) {
            sql.append(" AND p.created_at >= :from");
            parameters.put("from", filter.from());
        }
        if (filter.to() != null) {
            sql.append(" AND p.created_at < :to");
            parameters.put("to", filter.to());
        }
        if (filter.afterCreatedAt() != null) {
            sql.append(" AND (p.created_at, p.id) < (:afterCreated, :afterId)");
            parameters.put("afterCreated", filter.afterCreatedAt());
            parameters.put("afterId", filter.afterId());
        }
        sql.append(" ORDER BY p.created_at DESC, p.id DESC LIMIT :limit");
        var query = getEntityManager().createNativeQuery(sql.toString(), PhotoEntity.class);
        parameters.forEach(query::setParameter);
        query.setParameter("limit", limit);
        return query.getResultList();
    }

    /** Ids of photos a reprocess job covers: neither retired nor deleted, every status or only FAILED. */
    @SuppressWarnings("unchecked")
    public List<UUID> reprocessable(boolean failedOnly) {
        return getEntityManager().createNativeQuery("SELECT id FROM photo WHERE twin_of IS NULL AND deleted_at IS NULL"
                        + " AND retired_at IS NULL" + (failedOnly ? " AND status = 'FAILED'" : "")
                        + " ORDER BY created_at, id")
                .getResultList();
    }

    /**
     * Photos waiting for a request: a temporary failure whose pause is over, or a request nobody answered
     * since before {@code stuckBefore} (none of those when it is null). Their rows are held until the
     * transaction ends, so a photo deleted meanwhile is not asked for (and its renditions not kept) again.
     */
    public List<PhotoEntity> dueForRequest(Instant now, Instant stuckBefore, int limit) {
        if (stuckBefore == null) {
            return find("deletedAt is null and nextRetryAt is not null and nextRetryAt <= ?1", Sort.ascending("id"), now)
                    .page(Page.ofSize(limit)).withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).list();
        }
        return find("deletedAt is null and ((nextRetryAt is not null and nextRetryAt <= ?1)"
                        + " or (requestedAt is not null and requestedAt < ?2))", Sort.ascending("id"), now, stuckBefore)
                .page(Page.ofSize(limit)).withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).list();
    }

    /** How many photos have waited for an answer since before {@code before}. */
    public long unansweredSince(Instant before) {
        return count("deletedAt is null and requestedAt is not null and requestedAt < ?1", before);
    }

    /**
     * Photos that may be the same shot: with a capture time, those taken within the window (indexed);
     * without one, those also without one, of the same dimensions, sharing a 16-bit band of the
     * perceptual hash (indexed; finds every hash within distance 3). The caller checks the distance.
     */
    @SuppressWarnings("unchecked")
    public List<PhotoEntity> twinCandidates(PhotoEntity photo, java.time.Duration window, int limit) {
        if (photo.capturedAt != null) {
            return getEntityManager().createNativeQuery(TWINS_BY_TIME_SQL, PhotoEntity.class)
                    .setParameter(1, photo.id)
                    .setParameter(2, photo.capturedAt.minus(window))
                    .setParameter(3, photo.capturedAt.plus(window))
                    .setParameter(4, limit)
                    .getResultList();
        }
        long h = photo.phash;
        return getEntityManager().createNativeQuery(TWINS_BY_BANDS_SQL, PhotoEntity.class)
                .setParameter(1, photo.id)
                .setParameter(2, photo.width)
                .setParameter(3, photo.height)
                .setParameter(4, (h >>> 48) & 0xffff)
                .setParameter(5, (h >>> 32) & 0xffff)
                .setParameter(6, (h >>> 16) & 0xffff)
                .setParameter(7, h & 0xffff)
                .setParameter(8, limit)
                .getResultList();
    }

    /** source → failure reason → failed photos (a photo with origins in two sources counts in both). */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Long>> failedBySourceAndReason() {
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                        SELECT o.source_id, left(COALESCE(p.failure_reason, 'unknown'), 120), count(DISTINCT p.id)
                        FROM photo p JOIN origin o ON o.photo_id = p.id
                        WHERE %s
                        GROUP BY 1, 2""".formatted(ACTIONABLE_FAILURE)).getResultList();
        Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
        for (Object[] row : rows) {
            out.computeIfAbsent((String) row[0], k -> new java.util.TreeMap<>()).put((String) row[1], number(row[2]));
        }
        return out;
    }

    public PhotoCounts counts() {
        Object[] row = (Object[]) getEntityManager().createNativeQuery("""
                        SELECT (SELECT count(*) FROM photo WHERE twin_of IS NULL),
                               (SELECT count(*) FROM photo WHERE status = 'READY' AND twin_of IS NULL),
                               (SELECT count(*) FROM photo WHERE status = 'PENDING' AND twin_of IS NULL
                                   AND retired_at IS NULL AND deleted_at IS NULL),
                               (SELECT count(*) FROM photo p WHERE %s),
                               (SELECT count(*) FROM origin),
                               (SELECT count(DISTINCT photo_id) FROM origin),
                               (SELECT count(*) FROM photo WHERE status = 'TWIN'),
                               (SELECT count(*) FROM photo WHERE retired_at IS NOT NULL AND deleted_at IS NULL
                                                             AND twin_of IS NULL),
                               (SELECT count(*) FROM photo WHERE hidden AND twin_of IS NULL
                                   AND retired_at IS NULL AND deleted_at IS NULL),
                               (SELECT count(*) FROM photo WHERE deleted_at IS NOT NULL AND twin_of IS NULL),
                               (SELECT count(*) FROM photo WHERE status = 'READY' AND twin_of IS NULL
                                   AND NOT hidden AND retired_at IS NULL AND deleted_at IS NULL)"""
                        .formatted(ACTIONABLE_FAILURE))
                .getSingleResult();
        return new PhotoCounts(number(row[0]), number(row[1]), number(row[2]), number(row[3]), number(row[4]),
                number(row[5]), number(row[6]), number(row[7]), number(row[8]), number(row[9]), number(row[10]));
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
