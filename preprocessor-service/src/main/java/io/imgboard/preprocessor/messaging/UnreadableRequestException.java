package io.imgboard.preprocessor.messaging;

/** A record on the request topic that is not a usable ProcessRequested; it goes to the dead-letter topic. */
class UnreadableRequestException extends RuntimeException {

    UnreadableRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
