package io.imgboard.display.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * {@code imgboard.display.*}: how frames are served.
 *
 * <p>The display's configuration is split by root ({@code imgboard.display}, {@code imgboard.s3},
 * {@code imgboard.ledger}, …) rather than mapped under one {@code imgboard} root: a mapping rejects
 * unknown keys under its root, and other parts of a deployment (or of a test JVM) set
 * {@code imgboard.*} keys meant for someone else.
 */
@ConfigMapping(prefix = "imgboard.display")
public interface DisplayConfig {

    /** How often an SSE stream carries an {@code event: ping}, so proxies and frames know it is alive. */
    @WithDefault("20s")
    Duration heartbeat();

    /** The {@code retry:} a frame's EventSource waits before reconnecting. */
    @WithDefault("5s")
    Duration reconnectDelay();

    /** Events a slow SSE client may fall behind by before its stream is closed (it reconnects and gets the playlist). */
    @WithDefault("1024")
    int clientBuffer();

    /**
     * A new instance holds back the first playlist while it reads the catalog from the beginning, as
     * long as the read keeps moving; after this long without progress it serves what it has, so a
     * broker outage never blanks frames forever.
     */
    @WithDefault("30s")
    Duration catalogLoadTimeout();

    /**
     * How long a settings change made right after start-up waits for this instance to have read the
     * saved settings from {@code imgboard.settings}. A change is merged onto the saved settings, never
     * onto the defaults: after this wait it is refused (try again) rather than undo what was saved.
     */
    @WithDefault("30s")
    Duration settingsLoadTimeout();

    /**
     * The most SSE streams ({@code /api/v1/events}) this instance holds; a frame beyond them is answered
     * 503 with {@code Retry-After}. Unset: the open-file limit less 1,024, and at most one per 16 KB of
     * heap (see {@code FrameStreams.StreamLimit}).
     */
    java.util.Optional<Integer> maxStreams();

    /** How long the admin and ops pages wait for another service. */
    @WithDefault("5s")
    Duration upstreamTimeout();
}
