package io.imgboard.ingest.messaging;

/** Channel names, used by the annotations and the configuration alike (STYLE.md rule 8). */
public final class Channels {

    /** File events out, to {@link io.imgboard.events.Topics#FILES} (see application.properties). */
    public static final String FILES_OUT = "files-out";

    /** Export requests in, from {@link io.imgboard.events.Topics#EXPORT_REQUESTS} (ingest's export writer). */
    public static final String EXPORT_REQUESTS_IN = "export-requests-in";

    private Channels() {
    }
}
