package io.imgboard.ledger.persistence;

/** Where a photo is in its life: waiting for renditions, showable, or not processable. */
public enum PhotoStatus {
    PENDING, READY, FAILED
}
