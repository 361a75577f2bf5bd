package io.imgboard.ledger.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Which photos {@code GET /api/v1/photos} lists; every field may be null (no condition).
 *
 * @param state          PENDING, READY, FAILED (not retired or deleted), or RETIRED, HIDDEN, DELETED
 * @param sourceIds      an origin in one of these sources ({@link io.imgboard.ledger.service.SourceNames} reads what a
 *                       person typed)
 * @param afterCreatedAt with {@code afterId}: the last photo of the previous page (the cursor)
 */
public record PhotoFilter(String state, List<String> sourceIds, String deviceId, Instant from, Instant to,
                          Instant afterCreatedAt, UUID afterId) {
}
