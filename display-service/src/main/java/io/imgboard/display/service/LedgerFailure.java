package io.imgboard.display.service;

import java.time.Instant;
import java.util.List;

/** One photo the ledger gave up on ({@code GET <ledger>/api/v1/failures}), passed through to the admin page. */
public record LedgerFailure(
        String photoId,
        String sha256,
        List<String> names,
        String reason,
        boolean permanent,
        Instant failedAt) {
}
