package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.support.Catalog;
import io.imgboard.events.PhotoPublished;
import io.imgboard.infra.testing.Chromium;
import io.imgboard.display.support.Renditions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frame left on for months sees thousands of photos come and go. In real headless Chromium against
 * the real stream: 2,000 add/remove events (1,000 photos published and retired on the real catalog
 * topic) leave the page's V8 heap within a small margin of where it was, and add no DOM node and no
 * event listener. Both figures are taken after a full garbage collection (DevTools protocol) and printed.
 */
@QuarkusTest
class FrameMemoryBrowserTest {
    private static final String STATE = "JSON.stringify(window.imgboardFrame())";
    /** A frame that held on to every added photo would grow by far more than this (≈ 1 KiB per photo). */
    private static final long HEAP_MARGIN = 256 * 1024;

    @TestHTTPResource("/")
    URI root;

    @Test
    void twoThousandAddsAndRemovesLeaveTheHeapWhereItWas() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        UUID anchor = UUID.randomUUID();
        byte[] webp = Renditions.fixture();
        Renditions.put(anchor, "display", webp);
        Renditions.put(anchor, "uhd", webp);
        try (Catalog catalog = new Catalog(); Chromium browser = Chromium.start("1280", "720")) {
            catalog.publish(Catalog.photo(anchor, Instant.parse("2999-06-01T00:00:00Z")));
            // A long interval: the frame sits on one photo while the events stream past.
            browser.open(root + "?interval=3600");
            await().atMost(Duration.ofSeconds(60)).until(() -> state(browser).path("currentId").isTextual());

            // Warm-up: the code paths compiled, the bounded lists (additions, history) at their caps.
            churn(catalog, browser, 200);
            Chromium.Memory before = browser.memory();
            churn(catalog, browser, 1000);
            Chromium.Memory after = browser.memory();
            JsonNode state = state(browser);

            System.out.printf("frame memory over 2000 add/remove events: heap %d -> %d bytes (%+d), heap size %d -> %d,"
                            + " DOM nodes %d -> %d, listeners %d -> %d; window %d, additions %d, history %d%n",
                    before.usedHeap(), after.usedHeap(), after.usedHeap() - before.usedHeap(), before.totalHeap(),
                    after.totalHeap(), before.nodes(), after.nodes(), before.listeners(), after.listeners(),
                    state.path("window").asInt(), state.path("upNext").asInt(), state.path("history").size());
            assertThat("heap growth in bytes", after.usedHeap() - before.usedHeap(), lessThanOrEqualTo(HEAP_MARGIN));
            assertThat("DOM nodes", after.nodes(), lessThanOrEqualTo(before.nodes()));
            assertThat("event listeners", after.listeners(), lessThanOrEqualTo(before.listeners()));
            assertThat(state.path("upNext").asInt(), lessThanOrEqualTo(100));
            assertThat(state.path("history").size(), lessThanOrEqualTo(100));
        }
    }

    /**
     * Publishes {@code photos} photos and retires them again, in batches of 50 (so additions pile up
     * and are dropped both ways), and waits until the page has handled every one of those events.
     */
    private static void churn(Catalog catalog, Chromium browser, int photos) throws Exception {
        JsonNode start = state(browser).path("events");
        long adds = start.path("add").asLong();
        long removes = start.path("remove").asLong();
        for (int done = 0; done < photos; done += 50) {
            List<PhotoPublished> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(Catalog.photo(UUID.randomUUID(), Instant.parse("2001-01-01T00:00:00Z").plusSeconds(done + i)));
            }
            // In flight together: one acknowledged send at a time took about 20 ms a record, most of the test.
            catalog.publishThenRetire(batch);
        }
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode events = state(browser).path("events");
            return events.path("add").asLong() >= adds + photos && events.path("remove").asLong() >= removes + photos;
        });
    }

    private static JsonNode state(Chromium browser) throws Exception {
        return Catalog.JSON.readTree(browser.eval(STATE).asText());
    }
}
