package io.imgboard.ledger.service;

/** A reprocess job is already running and the request may not replace it. */
public class JobConflictException extends RuntimeException {
    public JobConflictException(String message) {
        super(message);
    }
}
