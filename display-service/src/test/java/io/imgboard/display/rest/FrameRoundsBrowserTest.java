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
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shuffle bag as a person sees it: a named frame of 8 photos (its filter keeps every other photo of
 * the test run out) with a 1 s interval, in real headless Chromium against the real display. Over three
 * rounds the page shows every photo exactly once per round, taking its window from the {@code page}
 * event and asking {@code /next} for the rest, and the rounds are not all in the same order.
 */
@QuarkusTest
class FrameRoundsBrowserTest {
    private static final String STATE = "JSON.stringify(window.imgboardFrame())";
    private static final int PHOTOS = 8;

    @TestHTTPResource("/")
    URI root;

    @Test
    void overThreeRoundsEveryPhotoIsShownOncePerRound() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String source = "upload:rounds-" + tag;
        String frame = "rounds-" + tag;
        try (Catalog catalog = new Catalog(); Chromium browser = Chromium.start("1280", "720")) {
            Set<String> photos = FrameFixtures.shuffledFrame(catalog, frame, source, PHOTOS, Instant.parse("2019-03-01T00:00:00Z"));

            browser.open(root + "frames/" + frame);
            // Three full rounds after the rest of a started one, and not a photo more (one a second).
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        JsonNode state = state(browser);
                        return shown(state).size() >= firstFullRound(state) + 3 * PHOTOS;
                    });
            JsonNode state = state(browser);
            List<String> shown = shown(state);
            int first = firstFullRound(state);
            List<List<String>> rounds = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                rounds.add(shown.subList(first + r * PHOTOS, first + (r + 1) * PHOTOS));
            }
            System.out.printf("frame %s, three rounds of %d photos: %s; /next answers %d%n", frame, PHOTOS, rounds,
                    state.path("events").path("next").asInt());
            for (List<String> round : rounds) {
                assertEquals(photos, new HashSet<>(round), "every photo once in the round " + round);
            }
            assertFalse(rounds.get(0).equals(rounds.get(1)) && rounds.get(1).equals(rounds.get(2)),
                    "each round is shuffled anew: " + rounds);
            assertThat("the frame asked the server for its next window", state.path("events").path("next").asInt(), greaterThan(0));
        }
    }

    /** A bag that had been started shows the rest of its round first: where the first full round begins. */
    private static int firstFullRound(JsonNode state) {
        return (PHOTOS - state.path("started").path("position").asInt(0)) % PHOTOS;
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
