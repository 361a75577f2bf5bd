package io.imgboard.ledger.service;

import java.util.Map;

/**
 * Counts for the ops page ({@code GET /api/v1/stats}).
 *
 * @param duplicates origins beyond the first per photo: files that arrived again from another place
 * @param shown      photos frames show (ready, not hidden, retired or deleted)
 * @param stages     over all sources: discovered, new, duplicate, twin, retired (counters), skipped and
 *                   failed by reason
 * @param sources    the same per source id
 */
public record LedgerStats(long photos, long ready, long pending, long failed, long origins, long duplicates,
                          long twins, long retired, long hidden, long deleted, long shown,
                          Map<String, Object> stages, Map<String, Map<String, Object>> sources) {
}
