package io.imgboard.display.storage;

/** S3 could not be asked (unreachable, refused the credentials, answered an error). */
public class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
