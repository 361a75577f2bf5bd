package io.imgboard.ingest.service;

/** Why an upload was refused: the HTTP status it gets and the {@code reason} tag of its counter. */
public enum RejectionReason {
    EMPTY(400, "empty"),
    NOT_AN_IMAGE(415, "not-an-image"),
    UNSUPPORTED_IMAGE(415, "unsupported-image"),
    UNRECOGNISED(415, "unrecognised-format"),
    TOO_LARGE(413, "too-large"),
    BAD_REQUEST(400, "bad-request"),
    /** More files in one multipart upload than {@code imgboard.upload.max-files}: refused whole, nothing kept. */
    TOO_MANY_FILES(400, "too-many-files"),
    /** A request in a form the route does not take (a photo's bytes posted where a multipart form goes). */
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type"),
    UNAUTHORIZED(401, "unauthorized"),
    TOO_MANY_ATTEMPTS(429, "too-many-attempts"),
    SPOOL_FULL(507, "spool-full"),
    /** More bodies at once than one client (or all together) may be sending: 429, sent again later. */
    TOO_MANY_AT_ONCE(429, "too-many-at-once"),
    /** The client closed the connection mid-body (no answer reaches it; 400 is what it would have been). */
    INTERRUPTED(400, "interrupted"),
    /** A part the upload needs (S3, Kafka, the database) was away: answered 503, the client may send it again. */
    UNAVAILABLE(503, "unavailable"),
    /** The service failed on its own fault (logged with its stack trace): answered 500, the client may send it again. */
    INTERNAL(500, "internal-error");

    private final int status;
    private final String tag;

    RejectionReason(int status, String tag) {
        this.status = status;
        this.tag = tag;
    }

    public int status() {
        return status;
    }

    /** Whether the client is told to send the same bytes again: nothing was wrong with them. */
    public boolean sendAgain() {
        return this == TOO_MANY_AT_ONCE || this == SPOOL_FULL || this == INTERRUPTED || this == UNAVAILABLE || this == INTERNAL;
    }

    /** Low-cardinality metric tag value. */
    public String tag() {
        return tag;
    }
}
