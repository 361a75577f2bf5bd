package io.imgboard.ledger.service;

/**
 * Counts for the ops page ({@code GET /api/v1/stats}).
 *
 * @param duplicates origins beyond the first per photo: files that arrived again from another place
 */
public record LedgerStats(long photos, long ready, long pending, long failed, long origins, long duplicates) {
}
