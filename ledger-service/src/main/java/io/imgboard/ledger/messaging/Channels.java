package io.imgboard.ledger.messaging;

/** Reactive Messaging channel names, used by the annotations, application.properties and tests. */
public final class Channels {
    /** {@code imgboard.files}: every FileEvent from ingest. */
    public static final String FILES = "files";
    /** {@code imgboard.processing-results}: PhotoProcessed / ProcessingFailed from the preprocessor. */
    public static final String PROCESSING_RESULTS = "processing-results";
    /** {@code imgboard.dead-letter}: poison records of every service, stored for listing and replay. */
    public static final String DEAD_LETTERS = "dead-letters";
    /** Every outgoing event; each record names its own topic (it comes from an outbox row). */
    public static final String OUTBOX = "outbox";

    private Channels() {
    }
}
