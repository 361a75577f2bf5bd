package io.imgboard.ledger.persistence;

/**
 * Counts over the whole ledger (twins are part of their photo and counted apart);
 * {@code photosWithOrigins} lets callers count duplicate origins.
 */
public record PhotoCounts(long photos, long ready, long pending, long failed, long origins, long photosWithOrigins,
                          long twins, long retired, long hidden, long deleted, long shown) {
}
