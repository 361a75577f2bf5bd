package io.imgboard.ledger.messaging;

/** Reactive Messaging channel names, used by the annotations, application.properties and tests. */
public final class Channels {
    /** {@code imgboard.files}: FileArrived / FileRemoved from ingest. */
    public static final String FILES = "files";
    /** {@code imgboard.processing-results}: PhotoProcessed / ProcessingFailed from the preprocessor. */
    public static final String PROCESSING_RESULTS = "processing-results";
    /** Every outgoing event; each record names its own topic (it comes from an outbox row). */
    public static final String OUTBOX = "outbox";

    private Channels() {
    }
}
