package io.imgboard.display.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.Chromium;
import io.imgboard.display.support.Renditions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frame page in real headless Chromium against the real stream and media: it shows the newest
 * photo, shows a photo added live next (before the rest of the order), and takes a retired photo
 * off the screen at once. The interval is long (20 s) so that no rotation can pass either step.
 */
@QuarkusTest
class FramePageBrowserTest {
    /** What the page has on screen: the src and decoded width of the visible, loaded photo. */
    private static final String ON_SCREEN = "(function () { var p = document.querySelector('.layer.shown .photo.loaded');"
            + " return p ? p.getAttribute('src') + ' ' + p.naturalWidth : 'nothing'; })()";
    /** Records, from now on, every photo that finishes loading into a layer, in order. */
    private static final String RECORD_LOADS = "(function () { window.loadedPhotos = [];"
            + " document.querySelectorAll('.photo').forEach(function (p) { p.addEventListener('load', function () {"
            + " window.loadedPhotos.push(p.getAttribute('src')); }); }); return true; })()";
    private static final String LOADED = "JSON.stringify(window.loadedPhotos)";

    @TestHTTPResource("/")
    URI root;

    @Test
    void theFrameShowsTheNewestPhotoThenOneAddedLiveAndDropsARetiredOne() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        UUID newest = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID added = UUID.randomUUID();
        byte[] webp = Renditions.fixture();
        for (UUID photoId : List.of(newest, second, added)) {
            Renditions.put(photoId, "display", webp);
            Renditions.put(photoId, "uhd", webp);
        }
        try (Catalog catalog = new Catalog()) {
            // In playlist order `second` follows `newest`; only the up-next rule puts `added` before it.
            catalog.publish(Catalog.photo(second, Instant.parse("2998-01-01T00:00:00Z")));
            catalog.publish(Catalog.photo(newest, Instant.parse("2999-01-01T00:00:00Z")));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> RestAssured.get("/api/v1/playlist").jsonPath().getList("photos.photoId", String.class),
                            both(hasItem(second.toString())).and(hasItem(newest.toString())));

            try (Chromium browser = Chromium.start("1280", "720")) {
                browser.open(root + "?interval=20&shuffle=0");
                // Decoded by the browser at its real width (64): the bytes came through intact.
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval(ON_SCREEN).asText(),
                        matchesPattern(shown(newest)));
                browser.eval(RECORD_LOADS);

                catalog.publish(Catalog.photo(added, Instant.parse("1990-01-01T00:00:00Z")));
                // The next photo to load after `newest` is `added`, not `second` (the order's next).
                await().atMost(Duration.ofSeconds(40)).until(() -> loaded(browser), not(empty()));
                assertThat(loaded(browser).get(0), matchesPattern(media(added)));
                await().atMost(Duration.ofSeconds(5)).until(() -> browser.eval(ON_SCREEN).asText(),
                        matchesPattern(shown(added)));

                // Retired: off the screen at once (the next rotation is 20 s away), replaced by a real photo.
                catalog.retire(added);
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                        .until(() -> browser.eval(ON_SCREEN).asText(), not(startsWith("/media/" + added + "/")));
                await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval(ON_SCREEN).asText(),
                        matchesPattern(shown(second)));
            }
        }
    }

    /** A versioned media URL of the photo, either size a screen may pick. */
    private static String media(UUID photoId) {
        return "/media/" + photoId + "/(display|uhd)\\.webp\\?v=[0-9a-f]{12}";
    }

    private static String shown(UUID photoId) {
        return media(photoId) + " 64";
    }

    private static List<String> loaded(Chromium browser) throws Exception {
        return Catalog.JSON.readValue(browser.eval(LOADED).asText(), new TypeReference<List<String>>() {
        });
    }
}
