package io.imgboard.ledger.service;

import java.time.Instant;
import java.util.UUID;

/**
 * A reprocess job as {@code GET /api/v1/jobs/current} shows it. {@code total} is known from the
 * start; {@code state} is {@code running} until every photo has a result, {@code none} when no job
 * ever ran (the other fields are then null).
 */
public record JobView(UUID id, String state, String scope, Integer total, Integer done, Integer failed,
                      Instant startedAt, Instant updatedAt, Instant finishedAt, Long etaSeconds) {

    static final JobView NONE = new JobView(null, "none", null, null, null, null, null, null, null, null);
}
