package io.imgboard.display.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The limits a hostile or greedy client meets, set low, in one profile: the tests of each limit share one
 * start of the display (a profile of its own each cost a restart). Each limit is out of the way of the
 * other tests: only wrong tokens count against the token limit, only streams with a forwarded caller
 * against the per-address cap (the tests' own loopback streams are not counted), and no test but the
 * fan-out one holds anywhere near {@link #MAX_STREAMS} streams.
 */
public class LimitedClients implements QuarkusTestProfile {
    /** {@code imgboard.display.max-streams}. */
    public static final int MAX_STREAMS = 60;
    /** {@code imgboard.display.max-streams-per-address}. */
    public static final int STREAMS_PER_ADDRESS = 3;
    /** {@code imgboard.auth.max-failures}. */
    public static final int MAX_FAILURES = 3;
    /**
     * {@code imgboard.auth.failure-window}, in seconds: long enough for a test's few requests from one
     * address to fall in one window, short because a test waits for one to end.
     */
    public static final int FAILURE_WINDOW_SECONDS = 6;

    @Override
    public Map<String, String> getConfigOverrides() {
        // application.properties sets %test.imgboard.auth.max-failures high for the other tests, and a
        // profile-specific key outranks a plain one from any source: override both.
        return Map.of("%test.imgboard.auth.max-failures", Integer.toString(MAX_FAILURES),
                "imgboard.auth.max-failures", Integer.toString(MAX_FAILURES),
                "imgboard.auth.failure-window", FAILURE_WINDOW_SECONDS + "s",
                // 127.0.0.1 is a trusted proxy: each test names its callers in X-Forwarded-For.
                "imgboard.auth.trusted-proxies", "127.0.0.1,::1",
                "imgboard.display.max-streams", Integer.toString(MAX_STREAMS),
                "imgboard.display.max-streams-per-address", Integer.toString(STREAMS_PER_ADDRESS));
    }
}
