package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.FrameFixtures;
import io.imgboard.infra.testing.Chromium;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reload in the middle of a round, in real headless Chromium against the real display: a named frame
 * of 20 photos (1 s, no transition) is reloaded after it showed 2 to 7 photos of a round, before it asked
 * the server for its next window (it asks when 10 or fewer are left), so the server alone would start the
 * reloaded page up to a window's worth earlier. The reloaded page continues right after the photo that
 * was on screen: the round, before and after the reload, shows every photo exactly once.
 */
@QuarkusTest
class FrameReloadBrowserTest {
    private static final String STATE = "JSON.stringify(window.imgboardFrame())";
    /** The state, then a reload, in one script: no photo can be shown between the two. */
    private static final String STATE_THEN_RELOAD =
            "(function () { var s = JSON.stringify(window.imgboardFrame()); window.reloading = true; location.reload(); return s; })()";
    private static final int PHOTOS = 20;

    @TestHTTPResource("/")
    URI root;

    @Test
    void aReloadInTheMiddleOfARoundShowsNoPhotoOfThatRoundTwice() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String source = "upload:reload-" + tag;
        String frame = "reload-" + tag;
        try (Catalog catalog = new Catalog(); Chromium browser = Chromium.start("1280", "720")) {
            Set<String> photos = FrameFixtures.shuffledFrame(catalog, frame, source, PHOTOS, Instant.parse("2018-06-01T00:00:00Z"));

            browser.open(root + "frames/" + frame);
            JsonNode before = await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> {
                        JsonNode state = state(browser);
                        int inRound = inRound(state);
                        if (shown(state).size() < 2 || inRound < 2 || inRound > 7) {
                            return null;
                        }
                        return Catalog.JSON.readTree(browser.eval(STATE_THEN_RELOAD).asText());
                    }, Objects::nonNull);
            int inRound = inRound(before);
            List<String> shownBefore = shown(before);
            assertTrue(inRound >= 1 && inRound <= 9 && shownBefore.size() >= inRound,
                    "reloaded before the frame asked for its next window: " + before);

            int wanted = PHOTOS - inRound;
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> browser.eval("window.reloading === undefined").asBoolean()
                            && shown(state(browser)).size() >= wanted);
            JsonNode after = state(browser);
            List<String> round = new ArrayList<>(shownBefore.subList(shownBefore.size() - inRound, shownBefore.size()));
            round.addAll(shown(after).subList(0, wanted));
            System.out.printf("frame %s reloaded after %d photos of round %d; the reloaded page began at position %d; "
                    + "the round: %s%n", frame, inRound, before.path("bag").path("round").asLong(),
                    after.path("started").path("position").asInt(), round);
            assertEquals(before.path("bag").path("round").asLong(), after.path("started").path("round").asLong(), after.toString());
            assertEquals(inRound, after.path("started").path("position").asInt(),
                    "the reloaded page continues right after the photo that was on screen: " + after);
            assertEquals(PHOTOS, new HashSet<>(round).size(), "no photo of the round twice: " + round);
            assertEquals(photos, new HashSet<>(round), "every photo of the frame in the round: " + round);
        }
    }

    /** How many photos of its current round the frame has shown. */
    private static int inRound(JsonNode state) {
        return (state.path("started").path("position").asInt(0) + shown(state).size()) % PHOTOS;
    }

    /** The photos the page took from its window, in order (not those shown again while offline). */
    private static List<String> shown(JsonNode state) {
        List<String> shown = new ArrayList<>();
        state.path("shown").forEach(entry -> {
            if (!entry.asText().startsWith("~")) {
                shown.add(entry.asText());
            }
        });
        return shown;
    }

    private static JsonNode state(Chromium browser) throws Exception {
        return Catalog.JSON.readTree(browser.eval(STATE).asText());
    }
}
