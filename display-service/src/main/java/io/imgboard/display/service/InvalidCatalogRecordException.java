package io.imgboard.display.service;

/** A catalog record no frame could use; the consumer dead-letters it and moves on. */
public class InvalidCatalogRecordException extends RuntimeException {
    public InvalidCatalogRecordException(String message) {
        super(message);
    }

    public InvalidCatalogRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
