package io.imgboard.ingest.messaging;

/** The broker did not acknowledge an event; nothing downstream will learn of it unless it is sent again. */
public class PublishException extends RuntimeException {
    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
