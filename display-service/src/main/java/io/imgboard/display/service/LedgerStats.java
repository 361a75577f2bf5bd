package io.imgboard.display.service;

/**
 * The ledger's counters ({@code GET <ledger>/api/v1/stats}), passed through to the ops page.
 *
 * @param ready  rendered, whether shown or not (hidden, retired and deleted photos keep the status)
 * @param shown  what frames show: ready, not hidden, retired or deleted
 * @param twins  other content of a photo's shot, part of that photo
 */
public record LedgerStats(long photos, long ready, long pending, long failed, long origins, long duplicates,
                          long shown, long hidden, long retired, long deleted, long twins) {
}
