package io.imgboard.display.service.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.service.Upstreams;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code imgboard_dead_letters}: dead letters the ledger holds that were never replayed (of its newest
 * {@link #LIMIT}), for alerting from the display's {@code /q/metrics}. The ledger is the authority;
 * this is its last answer, or -1 when it could not be asked.
 */
@ApplicationScoped
public class DeadLetterCount {
    /** The most the ledger lists in one answer. */
    public static final int LIMIT = 500;
    public static final String PATH = "/api/v1/dead-letters?limit=" + LIMIT;

    private final Upstreams upstreams;
    private final AtomicLong waiting = new AtomicLong(-1);

    DeadLetterCount(Upstreams upstreams, MeterRegistry registry) {
        this.upstreams = upstreams;
        Gauge.builder("imgboard.dead.letters", waiting, AtomicLong::get)
                .description("Dead letters not yet replayed (ledger); -1 when the ledger cannot be asked")
                .register(registry);
    }

    void seen(JsonNode list) {
        if (list != null && list.isArray()) {
            long count = 0;
            for (JsonNode letter : list) {
                if (letter.path("replayedAt").isNull() || letter.path("replayedAt").isMissingNode()) {
                    count++;
                }
            }
            waiting.set(count);
        }
    }

    void refresh(Duration wait) {
        try {
            Upstreams.Answer answer = upstreams.call(Upstreams.LEDGER, "GET", PATH, null).await().atMost(wait);
            if (answer.ok()) {
                seen(answer.body());
            } else {
                waiting.set(-1);
            }
        } catch (RuntimeException e) {
            waiting.set(-1);
        }
    }
}
