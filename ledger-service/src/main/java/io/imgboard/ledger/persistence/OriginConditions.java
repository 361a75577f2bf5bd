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
        if (sourceIds != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM origin o WHERE o.source_id IN (:sources)").append(OF_PHOTO_OR_ITS_TWINS);
            parameters.put("sources", sourceIds.isEmpty() ? List.of("") : sourceIds);
        }
        if (deviceId != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM origin o WHERE o.device_id = :device").append(OF_PHOTO_OR_ITS_TWINS);
            parameters.put("device", deviceId);
        }
    }

    /**
     * @param namePattern an origin whose file name is {@code ILIKE} this ({@link #namePattern}), or null: any
     * @param fewNames    whether few origins match it ({@link #FEW_NAMES}): the photos are then found from those
     *                    origins (the names' trigram index finds them); otherwise the list walks the photos newest
     *                    first and looks at each one's names, and many matches fill a page soon. The photos listed
     *                    must be primaries, as a twin's origins count for its primary
     */
    static void append(StringBuilder sql, Map<String, Object> parameters, List<String> sourceIds, String deviceId,
                       String namePattern, boolean fewNames) {
        append(sql, parameters, sourceIds, deviceId);
        if (namePattern != null) {
            if (fewNames) {
                sql.append(" AND p.id IN (SELECT COALESCE(t.twin_of, t.id) FROM origin o JOIN photo t ON t.id = o.photo_id"
                        + " WHERE o.name ILIKE :name ESCAPE '\\')");
            } else {
                sql.append(" AND EXISTS (SELECT 1 FROM origin o WHERE o.name ILIKE :name ESCAPE '\\'").append(OF_PHOTO_OR_ITS_TWINS);
            }
            parameters.put("name", namePattern);
        }
    }

    /** Up to this many origins holding a searched text count as few (see {@code append}); measured in README. */
    static final int FEW_NAMES = 2_000;

    /** SQL that counts the origins whose name is {@code ILIKE :name}, up to one more than {@link #FEW_NAMES}. */
    static final String COUNT_NAMED = "SELECT count(*) FROM (SELECT 1 FROM origin o WHERE o.name ILIKE :name ESCAPE '\\'"
            + " LIMIT " + (FEW_NAMES + 1) + ") named";

    /** An {@code ILIKE} pattern for a name holding this text, any case: {@code %} and {@code _} are letters. */
    static String namePattern(String nameContains) {
        return "%" + nameContains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
