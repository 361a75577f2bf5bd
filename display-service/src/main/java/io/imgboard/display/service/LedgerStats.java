package io.imgboard.display.service;

/** The ledger's counters ({@code GET <ledger>/api/v1/stats}), passed through to the ops page. */
public record LedgerStats(long photos, long ready, long pending, long failed, long origins, long duplicates) {
}
