package io.imgboard.display.messaging;

import io.imgboard.events.Topics;

/** Channel names, used by the annotations, application.properties and tests alike. */
public final class Channels {

    /** {@link Topics#CATALOG}, read from the beginning by every display instance. */
    public static final String CATALOG = "catalog";

    /** Configured as {@code consumer-rebalance-listener.name} of {@link #CATALOG}. */
    public static final String CATALOG_LOADING = "catalog-loading";

    /** {@link Topics#SETTINGS}, read from the beginning by every display instance. */
    public static final String SETTINGS = "settings";

    /** Configured as {@code consumer-rebalance-listener.name} of {@link #SETTINGS}. */
    public static final String SETTINGS_LOADING = "settings-loading";

    /** Configured as {@code consumer-rebalance-listener.name} of frames' bag positions ({@link Topics#FRAME_BAGS}). */
    public static final String FRAME_BAGS_READING = "frame-bags-reading";

    /** {@link Topics#SETTINGS}, written when an admin saves frame settings. */
    public static final String SETTINGS_OUT = "settings-out";

    private Channels() {
    }
}
