package io.imgboard.ledger.persistence;

/** Counts over the whole ledger; {@code photosWithOrigins} lets callers count duplicate origins. */
public record PhotoCounts(long photos, long ready, long pending, long failed, long origins, long photosWithOrigins) {
}
