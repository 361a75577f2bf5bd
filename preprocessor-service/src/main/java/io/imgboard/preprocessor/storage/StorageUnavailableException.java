package io.imgboard.preprocessor.storage;

/** The S3 server could not be reached or refused us for a reason that may pass (outage, credentials). */
public class StorageUnavailableException extends Exception {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
