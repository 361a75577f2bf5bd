package io.imgboard.preprocessor.messaging;

/** Channel names, used by the annotations and application.properties alike. */
public final class Channels {
    /** {@code imgboard.process-requests}, consumed in group {@code imgboard-preprocessor}. */
    public static final String PROCESS_REQUESTS = "process-requests";

    /** {@code imgboard.processing-results}, keyed by photo id. */
    public static final String PROCESSING_RESULTS = "processing-results";

    /** The worker pool that runs one request per thread; its size is {@code imgboard.preprocessor.requests-in-hand}. */
    public static final String WORKER_POOL = "imgboard-preprocess";

    private Channels() {
    }
}
