package io.imgboard.display.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many SSE streams are open right now, in all and per frame name. img-board's own stream
 * ({@code /api/events}) has no frame name; it counts under {@link #COMPAT}, which no frame can be
 * called (frame names have no slash).
 */
@ApplicationScoped
public class FrameClients implements MeterBinder {
    /** The key img-board's {@code /api/events} streams count under in {@link #byFrame()}. */
    public static final String COMPAT = "/api/events";

    private final AtomicInteger connected = new AtomicInteger();
    private final Map<String, Integer> perFrame = new ConcurrentHashMap<>();
    /** Open streams per client address (only the counted ones, see {@code FrameStreams#addressOf}). */
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();

    /** {@link #connected} unless {@code max} streams are open already (then false, nothing counted). */
    boolean connectedUnder(String frame, int max) {
        int open;
        do {
            open = connected.get();
            if (open >= max) {
                return false;
            }
        } while (!connected.compareAndSet(open, open + 1));
        perFrame.merge(frame, 1, Integer::sum);
        return true;
    }

    void disconnected(String frame) {
        connected.decrementAndGet();
        // Names with no stream left are dropped, so the map does not grow with every name ever asked for.
        perFrame.computeIfPresent(frame, (name, count) -> count <= 1 ? null : count - 1);
    }

    /** One more stream of {@code address}, unless it holds {@code max} already (then false, nothing counted). */
    boolean fromAddressUnder(String address, int max) {
        boolean[] counted = {false};
        perAddress.compute(address, (key, open) -> {
            int now = open == null ? 0 : open;
            if (now >= max) {
                return open;
            }
            counted[0] = true;
            return now + 1;
        });
        return counted[0];
    }

    /** A stream of {@code address} ended; addresses with none left are dropped, so the map holds only open ones. */
    void goneFromAddress(String address) {
        perAddress.computeIfPresent(address, (key, open) -> open <= 1 ? null : open - 1);
    }

    /** Open streams counted against {@code address}. */
    int fromAddress(String address) {
        return perAddress.getOrDefault(address, 0);
    }

    public int count() {
        return connected.get();
    }

    /** Open streams per frame name (only names with at least one), sorted by name; a copy. */
    public Map<String, Integer> byFrame() {
        return new TreeMap<>(perFrame);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("imgboard.display.sse.clients", connected, AtomicInteger::get)
                .description("Open SSE streams on /api/v1/events and /api/events")
                .register(registry);
    }
}
