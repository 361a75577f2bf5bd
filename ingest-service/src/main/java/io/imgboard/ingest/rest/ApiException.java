package io.imgboard.ingest.rest;

/** A request refused with a status and a sentence for the client. */
class ApiException extends RuntimeException {
    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
