package io.imgboard.ledger.service;

/** An event that breaks the contract (missing id, malformed sha256, ...): it goes to the dead-letter topic. */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String message) {
        super(message);
    }
}
