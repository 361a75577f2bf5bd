package io.imgboard.ledger.storage;

/** S3 refused or could not be reached; the message says which object and why. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
