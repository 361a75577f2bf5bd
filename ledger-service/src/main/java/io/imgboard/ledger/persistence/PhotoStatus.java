package io.imgboard.ledger.persistence;

/**
 * Where a photo's processing is: waiting for renditions, rendered, not processable, or merged into
 * a near-duplicate (TWIN, see {@code PhotoEntity.twinOf}). Visibility (hidden, retired, deleted) is
 * kept apart, so a retired photo that arrives again comes back as it was.
 */
public enum PhotoStatus {
    PENDING, READY, FAILED, TWIN
}
