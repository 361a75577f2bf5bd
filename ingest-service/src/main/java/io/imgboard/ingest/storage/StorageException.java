package io.imgboard.ingest.storage;

/** The S3 server could not be reached or refused a request; the caller may retry later. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
