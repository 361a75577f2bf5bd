package io.imgboard.ledger.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A photo that could not be processed, for the ops page ({@code GET /api/v1/failures}). */
public record FailureSummary(UUID photoId, String sha256, List<String> names, String reason, boolean permanent,
                             Instant failedAt) {
}
