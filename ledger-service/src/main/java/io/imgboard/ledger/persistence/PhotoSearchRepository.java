package io.imgboard.ledger.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The admin page's photo search: by source, device and <em>capture</em> date ({@link PhotoRepository#page}
 * filters by arrival), newest arrival first, one page of ids at a time. Ids only: the caller maps
 * each to the one view the ledger has of a photo.
 */
@ApplicationScoped
public class PhotoSearchRepository {

    /**
     * @param state          VISIBLE (ready, shown), HIDDEN, PENDING, FAILED, RETIRED, DELETED, or null: all but deleted
     * @param nameContains   an origin whose file name holds this text (any case), or null: any name
     * @param sourceIds      an origin in one of these sources, or null: any
     * @param capturedFrom   inclusive; a photo without a capture time is dated by its file's time, as frames date
     *                       it, and one without either matches no date range
     * @param capturedBefore exclusive
     */
    public record Query(String state, String nameContains, List<String> sourceIds, String deviceId, Instant capturedFrom,
                        Instant capturedBefore, Instant afterCreatedAt, UUID afterId) {
    }

    private final EntityManager entities;

    PhotoSearchRepository(EntityManager entities) {
        this.entities = entities;
    }

    @SuppressWarnings("unchecked")
    public List<UUID> ids(Query query, int limit) {
        StringBuilder sql = new StringBuilder("SELECT p.id FROM photo p WHERE p.twin_of IS NULL");
        Map<String, Object> parameters = new HashMap<>();
        String live = " AND p.retired_at IS NULL AND p.deleted_at IS NULL";
        if (query.state() == null) {
            sql.append(" AND p.deleted_at IS NULL");
        } else {
            switch (query.state()) {
                case "VISIBLE" -> sql.append(" AND p.status = 'READY' AND NOT p.hidden").append(live);
                case "HIDDEN" -> sql.append(" AND p.hidden").append(live);
                case "RETIRED" -> sql.append(" AND p.retired_at IS NOT NULL AND p.deleted_at IS NULL");
                case "DELETED" -> sql.append(" AND p.deleted_at IS NOT NULL");
                default -> {
                    sql.append(" AND p.status = :status").append(live);
                    parameters.put("status", query.state());
                }
            }
        }
        String namePattern = query.nameContains() == null ? null : OriginConditions.namePattern(query.nameContains());
        boolean fewNames = namePattern != null && ((Number) entities.createNativeQuery(OriginConditions.COUNT_NAMED)
                .setParameter("name", namePattern).getSingleResult()).longValue() <= OriginConditions.FEW_NAMES;
        OriginConditions.append(sql, parameters, query.sourceIds(), query.deviceId(), namePattern, fewNames);
        // Taken when: the photo's own date, else its file's, the date frames show and filter by (Catalog).
        if (query.capturedFrom() != null) {
            sql.append(" AND COALESCE(p.captured_at, p.file_modified_at) >= :capturedFrom");
            parameters.put("capturedFrom", query.capturedFrom());
        }
        if (query.capturedBefore() != null) {
            sql.append(" AND COALESCE(p.captured_at, p.file_modified_at) < :capturedBefore");
            parameters.put("capturedBefore", query.capturedBefore());
        }
        if (query.afterCreatedAt() != null) {
            sql.append(" AND (p.created_at, p.id) < (:afterCreated, :afterId)");
            parameters.put("afterCreated", query.afterCreatedAt());
            parameters.put("afterId", query.afterId());
        }
        sql.append(" ORDER BY p.created_at DESC, p.id DESC LIMIT :limit");
        var sqlQuery = entities.createNativeQuery(sql.toString(), UUID.class);
        parameters.forEach(sqlQuery::setParameter);
        sqlQuery.setParameter("limit", limit);
        return sqlQuery.getResultList();
    }
}
