package io.imgboard.ledger.persistence;

import java.util.List;
import java.util.Map;

/** The conditions on a photo's origins that both photo lists share; a twin's origins count for its photo. */
final class OriginConditions {
    private static final String OF_PHOTO_OR_ITS_TWINS =
            " AND (o.photo_id = p.id OR o.photo_id IN (SELECT t.id FROM photo t WHERE t.twin_of = p.id)))";

    private OriginConditions() {
    }

    /**
     * @param sourceIds an origin in one of these sources, or null: any (an empty list matches nothing)
     * @param deviceId  an origin through this device, or null: any
     */
    static void append(StringBuilder sql, Map<String, Object> parameters, List<String> sourceIds, String deviceId) {
        append(sql, parameters, sourceIds, deviceId, null);
    }

    /** @param nameContains an origin whose file name holds this text, in any case, or null: any */
    static void append(StringBuilder sql, Map<String, Object> parameters, List<String> sourceIds, String deviceId,
                       String nameContains) {
        if (sourceIds != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM origin o WHERE o.source_id IN (:sources)").append(OF_PHOTO_OR_ITS_TWINS);
            parameters.put("sources", sourceIds.isEmpty() ? List.of("") : sourceIds);
        }
        if (deviceId != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM origin o WHERE o.device_id = :device").append(OF_PHOTO_OR_ITS_TWINS);
            parameters.put("device", deviceId);
        }
        if (nameContains != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM origin o WHERE o.name ILIKE :name ESCAPE '\\'").append(OF_PHOTO_OR_ITS_TWINS);
            parameters.put("name", "%" + nameContains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
    }
}
