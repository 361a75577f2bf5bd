package io.imgboard.display.service.ops;

import io.imgboard.display.stream.FrameClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code imgboard_frames_connected{frame}}: open streams per frame name, from {@link FrameClients}
 * (its authority), refreshed by {@link OpsPoller}; names whose last frame left drop out.
 */
@ApplicationScoped
public class FrameGauges {
    private final FrameClients clients;
    private final MultiGauge gauge;

    FrameGauges(FrameClients clients, MeterRegistry registry) {
        this.clients = clients;
        this.gauge = MultiGauge.builder("imgboard.frames.connected")
                .description("Open SSE streams per frame name (img-board's /api/events under \"/api/events\")")
                .register(registry);
    }

    void refresh() {
        gauge.register(clients.byFrame().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("frame", e.getKey()), e.getValue()))
                .toList(), true);
    }
}
