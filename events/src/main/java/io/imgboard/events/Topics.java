package io.imgboard.events;

/**
 * Kafka topic names, one per event kind (DESIGN.md, "Events"). Services name their channels after
 * these; the local launcher and the deploy manifests create them.
 */
public final class Topics {

    /** {@link FileEvent}s, keyed by source id ({@link FileEvent#key}). ingest → ledger. */
    public static final String FILES = "imgboard.files";

    /** {@link ProcessRequested}, keyed by photo id. ledger → preprocessor. */
    public static final String PROCESS_REQUESTS = "imgboard.process-requests";

    /** {@link ProcessingResult}s, keyed by photo id. preprocessor → ledger. */
    public static final String PROCESSING_RESULTS = "imgboard.processing-results";

    /** {@link PhotoPublished}, keyed by photo id; compacted; a null value retires a photo. ledger → display. */
    public static final String CATALOG = "imgboard.catalog";

    /**
     * {@link SettingsChanged}, keyed by section; compacted. display admin → displays: every display instance
     * reads it from the start; no other service consumes it.
     */
    public static final String SETTINGS = "imgboard.settings";

    /** Each named frame's shuffle-bag position (display's own JSON), keyed by frame name; compacted. display → display. */
    public static final String FRAME_BAGS = "imgboard.frame-bags";

    /** {@link ExportRequested}, keyed by photo id. ledger → ingest (which answers with {@link FileExported}). */
    public static final String EXPORT_REQUESTS = "imgboard.export-requests";

    /** Records a consumer could not handle at all (poison messages), with the failure in headers. */
    public static final String DEAD_LETTER = "imgboard.dead-letter";

    /**
     * Records sent at start-up so the first photo does not pay for a cold send path: each service sends
     * one of its own events (marked as a warm-up) through its real producer, and the local launcher
     * sends and reads a few through the broker. Keyed by sender; compacted; no service consumes it.
     */
    public static final String WARM_UP = "imgboard.warm-up";

    /** Every topic, with whether it is compacted, for whoever creates them. */
    public static final java.util.Map<String, Boolean> ALL = java.util.Map.of(
            FILES, false,
            PROCESS_REQUESTS, false,
            PROCESSING_RESULTS, false,
            CATALOG, true,
            SETTINGS, true,
            FRAME_BAGS, true,
            EXPORT_REQUESTS, false,
            DEAD_LETTER, false,
            WARM_UP, true);

    private Topics() {
    }
}
