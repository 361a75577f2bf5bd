package io.imgboard.display.service;

/**
 * The ledger's counters ({@code GET <ledger>/api/v1/stats}), passed through to the ops page.
 *
 * @param ready  rendered, whether shown or not (hidden, retired and deleted photos keep the status)
 * @param shown  what frames show: ready, not hidden, retired or deleted
 * @param twins  other content of a photo's shot, part of that photo
 * @param sources per source ({@code folder:<id>}, {@code upload:…}): files the ledger was told of, by outcome
 *                ({@code discovered}, {@code new}, {@code duplicate}, {@code twin}, {@code retired}, …)
 */
public record LedgerStats(long photos, long ready, long pending, long failed, long origins, long duplicates,
                          long shown, long hidden, long retired, long deleted, long twins,
                          java.util.Map<String, java.util.Map<String, Object>> sources) {
}
