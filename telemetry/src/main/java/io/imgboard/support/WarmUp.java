package io.imgboard.support;

import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service's start-up warm-up: named steps that run the code of its hot paths once (JIT, connection
 * pools, Kafka metadata, prepared statements) so the first photo after a start does not pay for them.
 * A step must leave nothing anyone could see behind. A failing step is a warning and the others still
 * run: a warm-up costs at most the first photo's speed, never the start.
 */
public final class WarmUp {
    private static final Logger LOG = Logger.getLogger(WarmUp.class);

    /** One step; anything it throws is caught, logged and counted as that step's failure. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final String what;
    private final Map<String, Step> steps = new LinkedHashMap<>();

    private WarmUp(String what) {
        this.what = what;
    }

    /** @param what for the log, e.g. "ingest" */
    public static WarmUp of(String what) {
        return new WarmUp(what);
    }

    public WarmUp step(String name, Step step) {
        steps.put(name, step);
        return this;
    }

    /**
     * Runs the steps in order and logs what each took. Never throws.
     *
     * @return whether every step succeeded
     */
    public boolean run() {
        long start = System.nanoTime();
        StringBuilder took = new StringBuilder();
        boolean all = true;
        for (Map.Entry<String, Step> step : steps.entrySet()) {
            long stepStart = System.nanoTime();
            try {
                step.getValue().run();
                took.append(' ').append(step.getKey()).append('=').append(millisSince(stepStart));
            } catch (Exception | LinkageError e) {
                all = false;
                took.append(' ').append(step.getKey()).append("=failed");
                LOG.warnf("%s warm-up: %s failed (the first photo after start-up will be slower): %s", what,
                        step.getKey(), e);
            }
        }
        LOG.infof("%s warmed up in %d ms:%s ms", what, millisSince(start), took);
        return all;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
