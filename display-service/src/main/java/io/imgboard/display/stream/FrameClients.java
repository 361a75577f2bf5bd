package io.imgboard.display.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicInteger;

/** How many SSE streams (frames, admin pages) are open right now. */
@ApplicationScoped
public class FrameClients implements MeterBinder {
    private final AtomicInteger connected = new AtomicInteger();

    void connected() {
        connected.incrementAndGet();
    }

    void disconnected() {
        connected.decrementAndGet();
    }

    public int count() {
        return connected.get();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("imgboard.display.sse.clients", connected, AtomicInteger::get)
                .description("Open SSE streams on /api/v1/events")
                .register(registry);
    }
}
