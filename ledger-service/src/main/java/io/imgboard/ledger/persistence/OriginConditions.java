package io.imgboard.ledger.persistence;

import java.util.List;
import java.util.Map;

/** The conditions on a photo's origins that both photo lists share; a twin's origins count for its photo. */
final class OriginConditions {
    /**
     * An origin of the photo, or of one of its twins, meets the condition. Two plain {@code EXISTS}: PostgreSQL checks
     * them photo by photo through the origins' index by photo, or once for all; with the {@code OR} inside one
     * {@code EXISTS} it joined every photo with every matching origin (35 s for a source of most photos of a million,
     * over a minute for one of 1 %; now 2 ms and 0.7 s).
     */
    private static String ofPhotoOrItsTwins(String condition) {
        return " AND (EXISTS (SELECT 1 FROM origin o WHERE o.photo_id = p.id AND " + condition + ")"
                + " OR EXISTS (SELECT 1 FROM photo t JOIN origin o ON o.photo_id = t.id WHERE t.twin_of = p.id AND "
                + condition + "))";
    }

    private OriginConditions() {
    }

    /**
     * @param sourceIds an origin in one of these sources, or null: any (an empty list matches nothing)
     * @param deviceId  an origin through this device, or null: any
     */
    static void append(StringBuilder sql, Map<String, Object> parameters, List<String> sourceIds, String deviceId) {
        if (sourceIds != null) {
            sql.append(ofPhotoOrItsTwins("o.source_id IN (:sources)"));
            parameters.put("sources", sourceIds.isEmpty() ? List.of("") : sourceIds);
        }
        if (deviceId != null) {
            sql.append(ofPhotoOrItsTwins("o.device_id = :device"));
            parameters.put("device", deviceId);
        }
    }

    /**
     * @param namePattern an origin whose file name is {@code ILIKE} this ({@link #namePattern}), or null: any
     * @param fewNames    whether few origins match it ({@link #FEW_NAMES}): the photos are then found from those
     *                    origins (the names' trigram index finds them: among a million photos, 0.4 ms for one
     *                    name, 0.3 s for 11,000); otherwise each photo's names are looked at, newest photo first,
     *                    and many matches fill a page soon (a text in every name: 0.1 s). The photos listed must be
     *                    primaries, as a twin's origins count for its primary
     */
    static void append(StringBuilder sql, Map<String, Object> parameters, List<String> sourceIds, String deviceId,
                       String namePattern, boolean fewNames) {
        append(sql, parameters, sourceIds, deviceId);
        if (namePattern != null) {
            if (fewNames) {
                sql.append(" AND p.id IN (SELECT COALESCE(t.twin_of, t.id) FROM origin o JOIN photo t ON t.id = o.photo_id"
                        + " WHERE o.name ILIKE :name ESCAPE '\\')");
            } else {
                sql.append(ofPhotoOrItsTwins("o.name ILIKE :name ESCAPE '\\'"));
            }
            parameters.put("name", namePattern);
        }
    }

    /** Up to this many origins holding a searched text count as few (see {@code append}); measured in README. */
    static final int FEW_NAMES = 20_000;

    /** SQL that counts the origins whose name is {@code ILIKE :name}, up to one more than {@link #FEW_NAMES}. */
    static final String COUNT_NAMED = "SELECT count(*) FROM (SELECT 1 FROM origin o WHERE o.name ILIKE :name ESCAPE '\\'"
            + " LIMIT " + (FEW_NAMES + 1) + ") named";

    /** An {@code ILIKE} pattern for a name holding this text, any case: {@code %} and {@code _} are letters. */
    static String namePattern(String nameContains) {
        return "%" + nameContains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
