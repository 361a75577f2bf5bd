package io.imgboard.display.rest;

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
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The frame page in real headless Chromium against the real stream and media: it shows the newest
 * photo, shows a photo added live next, and takes a retired photo off the screen at once.
 */
@QuarkusTest
class FramePageBrowserTest {
    /** What the page has on screen: the src and decoded width of the visible, loaded photo. */
    private static final String ON_SCREEN = "(function () { var p = document.querySelector('.layer.shown .photo.loaded');"
            + " return p ? p.getAttribute('src') + ' ' + p.naturalWidth : 'nothing'; })()";

    @TestHTTPResource("/")
    URI root;

    @Test
    void theFrameShowsTheNewestPhotoThenOneAddedLiveAndDropsARetiredOne() throws Exception {
        assumeTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed");
        UUID newest = UUID.randomUUID();
        UUID added = UUID.randomUUID();
        byte[] webp = Renditions.fixture();
        for (UUID photoId : List.of(newest, added)) {
            Renditions.put(photoId, "display", webp);
            Renditions.put(photoId, "uhd", webp);
        }
        try (Catalog catalog = new Catalog()) {
            catalog.publish(Catalog.photo(newest, Instant.parse("2999-01-01T00:00:00Z")));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> RestAssured.get("/api/v1/playlist").jsonPath().getString("photos[0].photoId"),
                            equalTo(newest.toString()));

            try (Chromium browser = Chromium.start("1280", "720")) {
                browser.open(root + "?interval=4");
                // Decoded by the browser at its real width (64): the bytes came through intact.
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval(ON_SCREEN).asText(),
                        matchesPattern("/media/" + newest + "/(display|uhd)\\.webp 64"));

                catalog.publish(Catalog.photo(added, Instant.parse("1990-01-01T00:00:00Z")));
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval(ON_SCREEN).asText(),
                        matchesPattern("/media/" + added + "/(display|uhd)\\.webp 64"));

                catalog.retire(added);
                await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval(ON_SCREEN).asText(),
                        not(startsWith("/media/" + added + "/")));
            }
        }
    }
}
