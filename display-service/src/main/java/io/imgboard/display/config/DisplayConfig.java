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

    /**
     * The most SSE streams ({@code /api/v1/events} and {@code /api/events} together) one client address
     * holds; one more is answered 429 with {@code Retry-After}, so one client cannot take every place of
     * {@link #maxStreams()}. The address is the one the admin side judges ({@code ClientAddress}: behind
     * {@code imgboard.auth.trusted-proxies}, the forwarded one); an IPv6 address counts with its /64 (one
     * subscriber's network). Loopback callers are not counted: the host itself (a reverse proxy on it that
     * is not a trusted proxy, {@code bench fanout}'s clients). 0: no limit per address. The default is ten
     * times a large household's frames, tabs and the dead connections of a tablet that reconnects, and a
     * school's or an office's screens behind one NAT address; taking all of the default 18,976 places then
     * needs about 190 addresses rather than one.
     */
    @WithDefault("100")
    int maxStreamsPerAddress();

    /** How long the admin and ops pages wait for another service. */
    @WithDefault("5s")
    Duration upstreamTimeout();
}
