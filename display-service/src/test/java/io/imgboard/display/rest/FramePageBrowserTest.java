package io.imgboard.display.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import io.imgboard.display.support.Catalog;
import io.imgboard.infra.testing.Chromium;
import io.imgboard.display.support.Neighbours;
import io.imgboard.display.support.Renditions;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frame page in real headless Chromium against the real stream and media. A named frame (its own
 * filter and order) shows its newest photo, shows a photo added live next (before the rest of its
 * window), takes a retired photo off the screen at once, and never shows another source's photo. The
 * interval is long (20 s) so that no rotation can pass either step. On a slow link the placeholder
 * shows first, then the photo (the screenshots in docs/screenshots).
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
    private static final Path SHOTS = Path.of("target", "screenshots");
    /**
     * Holds every answer to {@code /next} (its text in {@code window.heldAnswers}) until
     * {@code window.releaseAnswers()}, which also stops holding.
     */
    private static final String HOLD_ANSWERS = "(function () { var fetched = window.fetch; var held = [];"
            + " window.heldAnswers = []; window.holding = true;"
            + " window.fetch = function (url, options) { return fetched(url, options).then(function (response) {"
            + "   if (!window.holding || String(url).indexOf('/next?') < 0) { return response; }"
            + "   return response.clone().text().then(function (text) { return new Promise(function (resolve) {"
            + "     window.heldAnswers.push(text); held.push(function () { resolve(response); }); }); }); }); };"
            + " window.releaseAnswers = function () { window.holding = false; held.forEach(function (go) { go(); }); return true; };"
            + "})()";

    @TestHTTPResource("/")
    URI root;

    @Test
    void aNamedFrameShowsItsNewestPhotoThenOneAddedLiveDropsARetiredOneAndNeverAnotherFramesPhoto() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String source = "upload:page-" + tag;
        String frame = "page-" + tag;
        UUID newest = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID added = UUID.randomUUID();
        UUID outsider = UUID.randomUUID();
        byte[] webp = Renditions.fixture();
        stored(webp, newest, second, added, outsider);
        try (Catalog catalog = new Catalog()) {
            // In the frame's order (capture date, newest first) `second` follows `newest`; only the
            // up-next rule puts `added` before it. `outsider` is newer than all, from another source.
            catalog.publish(from(Catalog.photo(second, Instant.parse("2998-01-01T00:00:00Z")), source));
            catalog.publish(from(Catalog.photo(newest, Instant.parse("2999-01-01T00:00:00Z")), source));
            catalog.publish(from(Catalog.photo(outsider, Instant.parse("3000-01-01T00:00:00Z")), "upload:elsewhere-" + tag));
            newestFirst(frame, source, 2);

            try (Chromium browser = Chromium.start("1280", "720")) {
                browser.open(root + "frames/" + frame);
                // Decoded by the browser at its real width (64): the bytes came through intact.
                await().atMost(Duration.ofSeconds(60)).until(() -> browser.eval(ON_SCREEN).asText(),
                        matchesPattern(shown(newest)));
                browser.eval(RECORD_LOADS);

                // `second`, waiting in the window, changes (new rendition bytes: a new ?v=): an update
                // replaces it where it is, it is not queued to come next.
                catalog.publish(changed(from(Catalog.photo(second, Instant.parse("2998-01-01T00:00:00Z")), source)));
                await().atMost(Duration.ofSeconds(40)).until(() -> browser.eval(
                        "window.imgboardFrame().events.update").asInt(), equalTo(1));
                assertThat("not queued as a new photo", browser.eval("window.imgboardFrame().upNext").asInt(), equalTo(0));
                String secondNow = given().get("/api/v1/playlist").jsonPath()
                        .getString("photos.find { it.photoId == '" + second + "' }.url");
                assertThat(secondNow, containsString("?v="));
                catalog.publish(from(Catalog.photo(added, Instant.parse("1990-01-01T00:00:00Z")), source));
                // The next photo to load after `newest` is `added`, not `second` (the order's next). The right
                // arrow steps as the rotation's timer does (both advance()), once the page holds `added`: the
                // test need not wait out the 20 s, which stays the time to the next rotation from here on.
                await().atMost(Duration.ofSeconds(40)).until(() -> browser.eval("window.imgboardFrame().upNext").asInt(),
                        equalTo(1));
                browser.press("ArrowRight", 39);
                await().atMost(Duration.ofSeconds(40)).until(() -> loaded(browser), not(empty()));
                assertThat(loaded(browser).get(0), matchesPattern(media(added)));
                await().atMost(Duration.ofSeconds(5)).until(() -> browser.eval(ON_SCREEN).asText(),
                        matchesPattern(shown(added)));

                // Retired: off the screen at once (the next rotation is 20 s away), replaced by a real photo.
                catalog.retire(added);
                // Well before the next rotation; Kafka, the stream and Chromium on a busy machine may take seconds.
                await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(50))
                        .until(() -> browser.eval(ON_SCREEN).asText(), not(startsWith("/media/" + added + "/")));
                await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval(ON_SCREEN).asText(),
                        matchesPattern(shown(second)));
                assertThat("the changed photo shows in its new version", browser.eval(ON_SCREEN).asText(),
                        matchesPattern("/media/" + second + "/(display|uhd)\\.webp\\?v="
                                + secondNow.substring(secondNow.indexOf("?v=") + 3) + " 64"));
                assertThat("another source's photo never reaches this frame", loaded(browser),
                        not(hasItem(startsWith("/media/" + outsider + "/"))));
                assertThat(browser.eval("JSON.stringify(window.imgboardFrame().shown)").asText(), not(containsString(outsider.toString())));

                // Its last photos go: the screen says, large, that none match it yet, with no date of a photo gone,
                // rather than stay black asking the display for more without end.
                catalog.retire(second);
                catalog.retire(newest);
                await().atMost(Duration.ofSeconds(20)).until(() -> browser.eval(
                        "var s = document.getElementById('status'); (s.hidden ? 'hidden' : s.textContent) + ' / '"
                                + " + document.getElementById('overlay').hidden").asText(), equalTo("No photos for the frame \u201c" + frame + "\u201d yet: they appear here as soon as one matches it / true"));
                int asked = browser.eval("window.imgboardFrame().events.next").asInt();
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> browser.eval(
                        "window.imgboardFrame().events.next").asInt() <= asked + 1);

                // The frame is deleted while the screen shows it: the screen says so (the page a reload
                // gets), rather than go on with what it holds.
                given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).delete("/api/v1/frames/" + frame)
                        .then().statusCode(204);
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> browser.eval("document.title").asText(), equalTo("No such frame"));
            }
        }
    }

    /**
     * A photo retired while the frame's question for more is on its way is not taken from the answer,
     * which the display made before the retirement: the answer is taken without it (here nothing else was
     * in it, so the frame asks again).
     */
    @Test
    void aPhotoRetiredWhileAnAnswerTravelsIsNotTakenFromIt() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UUID first = UUID.randomUUID();
        UUID retired = UUID.randomUUID();
        try (Catalog catalog = new Catalog();
             Chromium browser = answerHeld(catalog, "travel-" + tag, "upload:travel-" + tag, first, retired)) {
            catalog.retire(retired);
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval("window.imgboardFrame().events.remove").asInt(),
                    equalTo(1));
            int answered = browser.eval("window.imgboardFrame().events.next").asInt();
            browser.eval("window.releaseAnswers()");
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval("window.imgboardFrame().events.next").asInt(),
                    greaterThanOrEqualTo(answered + 1));
            // The held answer was handled: without the retired photo, which left nothing, so asked again.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> browser.eval(
                    "JSON.stringify(window.imgboardFrame().upcoming)").asText(), not(containsString(retired.toString())));
            assertThat(browser.eval("window.imgboardFrame().events.next").asInt(), greaterThanOrEqualTo(answered + 2));
            browser.press("ArrowRight", 39);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> browser.eval(ON_SCREEN).asText(), matchesPattern(shown(first)));
        }
    }

    /**
     * A photo changed while the frame's question for more is on its way (a reprocess gave it new
     * renditions) is taken from the answer in its new version: the answer, made before the change, names
     * the renditions as they were.
     */
    @Test
    void aPhotoChangedWhileAnAnswerTravelsIsTakenInItsNewVersion() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String source = "upload:change-" + tag;
        UUID first = UUID.randomUUID();
        UUID changing = UUID.randomUUID();
        try (Catalog catalog = new Catalog();
             Chromium browser = answerHeld(catalog, "change-" + tag, source, first, changing)) {
            String before = playlistUrl(changing);
            catalog.publish(changed(from(Catalog.photo(changing, SECOND_CAPTURED), source)));
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval("window.imgboardFrame().events.update").asInt(),
                    equalTo(1));
            String now = playlistUrl(changing);
            assertThat(now, not(equalTo(before)));
            int answered = browser.eval("window.imgboardFrame().events.next").asInt();
            browser.eval("window.releaseAnswers()");
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval("window.imgboardFrame().events.next").asInt(),
                    greaterThanOrEqualTo(answered + 1));
            browser.press("ArrowRight", 39);
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval(ON_SCREEN).asText(),
                    matchesPattern("/media/" + changing + "/(display|uhd)\\.webp\\?v=" + now.substring(now.indexOf("?v=") + 3) + " 64"));
        }
    }

    private static final Instant SECOND_CAPTURED = Instant.parse("2998-01-01T00:00:00Z");

    /**
     * The day on a frame is the camera's: a photo taken at 00:30 on 4 July 2019 by a camera that wrote no
     * offset (its time is kept as if UTC) reads "July 4, 2019" on a frame in New York, where that instant is
     * still July 3; and one taken at 23:45 on 7 December 2023 at +01:00 reads December 7 in Tokyo, where it
     * is December 8 already.
     */
    @Test
    void theDateOnAFrameIsTheDayTheCameraWroteWhereverTheFrameHangs() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String source = "upload:tz-" + tag;
        UUID summer = UUID.randomUUID();
        UUID winter = UUID.randomUUID();
        stored(Renditions.fixture(), summer, winter);
        try (Catalog catalog = new Catalog()) {
            catalog.publish(local(from(Catalog.photo(summer, Instant.parse("2019-07-04T00:30:00Z")), source), "2019-07-04T00:30:00"));
            catalog.publish(local(from(Catalog.photo(winter, Instant.parse("2023-12-07T22:45:00Z")), source), "2023-12-07T23:45:00"));
            given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON)
                    .body("{\"settings\":{\"intervalMs\":20000,\"order\":\"captured\",\"showDate\":true,"
                            + "\"transition\":\"fade\",\"transitionMs\":2000},"
                            + "\"filter\":{\"sources\":[\"" + source + "\"]}}")
                    .put("/api/v1/frames/tz-" + tag).then().statusCode(lessThan(300));
            await().atMost(Duration.ofSeconds(120)).until(() -> given().get("/api/v1/frames/tz-" + tag + "/next?limit=100")
                    .jsonPath().getInt("total") == 2);
            for (String[] wall : new String[][]{{"America/New_York", summer.toString(), "July 4, 2019"},
                    {"Asia/Tokyo", winter.toString(), "December 7, 2023"}}) {
                try (Chromium browser = Chromium.start("1280", "720")) {
                    browser.timezone(wall[0]);
                    browser.open(root + "frames/tz-" + tag);
                    // newest first: the winter photo, then the summer one
                    await().atMost(Duration.ofSeconds(60)).until(() -> browser.eval(ON_SCREEN).asText(), matchesPattern(shown(winter)));
                    if (wall[1].equals(summer.toString())) {
                        await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval(
                                "document.getElementById('overlay').textContent").asText(), equalTo("December 7, 2023"));
                        browser.eval(CAPTION_CLOCK);
                        browser.press("ArrowRight", 39);
                        await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval(ON_SCREEN).asText(), matchesPattern(shown(summer)));
                        // Through black (fade, 2 s): the old caption stays, fading, while its photo fades out; the
                        // new one comes with the new photo, half the transition after the layers swapped.
                        await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval("window.captionAfter").asInt(),
                                greaterThanOrEqualTo(800));
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval(
                            "document.getElementById('overlay').textContent").asText(), equalTo(wall[2]));
                    browser.screenshot(SHOTS.resolve("frame-date-" + wall[0].replace('/', '-') + ".png"), false);
                }
            }
        }
    }

    /** Records in {@code window.captionAfter} how long after the layers swap the caption's text changes (ms). */
    private static final String CAPTION_CLOCK = "(function () { var swapped = 0; window.captionAfter = -1;"
            + " new MutationObserver(function () { if (!swapped) { swapped = performance.now(); } })"
            + ".observe(document.querySelector('.layer'), { attributes: true, attributeFilter: ['class'] });"
            + " new MutationObserver(function () { if (window.captionAfter < 0) {"
            + " window.captionAfter = Math.round(performance.now() - swapped); } })"
            + ".observe(document.getElementById('overlay'), { childList: true, characterData: true, subtree: true }); })()";

    /** The photo with the camera's own clock as the ledger publishes it. */
    private static PhotoPublished local(PhotoPublished p, String capturedLocal) {
        return new PhotoPublished(p.eventId(), p.occurredAt(), p.photoId(), p.sha256(), p.renditions(), p.width(), p.height(),
                p.capturedAt(), p.placeholder(), p.name(), p.arrivedAt(), p.sourceIds(), p.deviceIds(), capturedLocal);
    }

    /**
     * A frame of {@code source}'s two photos in a real browser, {@code first} on screen and its question
     * for more answered with {@code second} in it; the page's fetch is wrapped so that answers to
     * {@code /next} are held until the test lets them go ({@code window.releaseAnswers()}), which makes a
     * race with an event certain.
     */
    private Chromium answerHeld(Catalog catalog, String frame, String source, UUID first, UUID second) throws Exception {
        stored(Renditions.fixture(), first, second);
        catalog.publish(from(Catalog.photo(second, SECOND_CAPTURED), source));
        catalog.publish(from(Catalog.photo(first, Instant.parse("2999-01-01T00:00:00Z")), source));
        newestFirst(frame, source, 2);
        Chromium browser = Chromium.start("1280", "720");
        try {
            browser.beforeEveryPage(HOLD_ANSWERS);
            browser.open(root + "frames/" + frame);
            await().atMost(Duration.ofSeconds(60)).until(() -> browser.eval(ON_SCREEN).asText(), matchesPattern(shown(first)));
            // The frame asked what comes after `first`; the display answered with `second` in it.
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval("window.heldAnswers.join(' ')").asText(),
                    containsString(second.toString()));
            return browser;
        } catch (Exception | AssertionError e) {
            browser.close();
            throw e;
        }
    }

    /** The photo's URL in the display's playlist now. */
    private static String playlistUrl(UUID photoId) {
        return given().get("/api/v1/playlist").jsonPath().getString("photos.find { it.photoId == '" + photoId + "' }.url");
    }

    /** Each photo's display and UHD renditions in the bucket, both {@code webp}. */
    private static void stored(byte[] webp, UUID... photoIds) throws Exception {
        Renditions.putAll(List.of(photoIds), webp, "display", "uhd");
    }

    /**
     * The named frame {@code frame}: {@code source}'s photos newest first, 20 s each (no rotation can pass
     * a step of a test); returns once the display counts {@code total} photos in it.
     */
    private static void newestFirst(String frame, String source, int total) {
        given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"settings\":{\"intervalMs\":20000,\"order\":\"captured\"},\"filter\":{\"sources\":[\"" + source + "\"]}}")
                .put("/api/v1/frames/" + frame).then().statusCode(lessThan(300));
        await().atMost(Duration.ofSeconds(120)).until(() -> given().get("/api/v1/frames/" + frame + "/next?limit=100")
                .jsonPath().getInt("total") == total);
    }

    /** The photo as the ledger publishes it, with its one origin in {@code source}. */
    private static PhotoPublished from(PhotoPublished p, String source) {
        return new PhotoPublished(p.eventId(), p.occurredAt(), p.photoId(), p.sha256(), p.renditions(), p.width(), p.height(),
                p.capturedAt(), p.placeholder(), "IMG.JPG", Instant.now(), List.of(source), List.of());
    }

    /** The photo with every rendition's bytes changed, as a reprocess publishes it. */
    private static PhotoPublished changed(PhotoPublished p) {
        List<Rendition> renditions = p.renditions().stream()
                .map(r -> new Rendition(r.name(), r.key(), r.width(), r.height(), r.bytes() + 1)).toList();
        return new PhotoPublished(UUID.randomUUID(), p.occurredAt(), p.photoId(), p.sha256(), renditions, p.width(), p.height(),
                p.capturedAt(), p.placeholder(), p.name(), p.arrivedAt(), p.sourceIds(), p.deviceIds());
    }

    /**
     * What a person sees on a slow link: the tiny placeholder, blurred, at once; then the photo. The link
     * is slowed in the browser (DevTools latency), the screenshots go to target/screenshots (copied to
     * docs/screenshots by hand after looking at them).
     */
    @Test
    void aSlowPhotoShowsItsPlaceholderFirstThenThePhoto() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        UUID photoId = UUID.randomUUID();
        byte[] landscape = fixture("landscape-960x640.webp");
        Renditions.put(photoId, "display", landscape);
        Renditions.put(photoId, "uhd", landscape);
        PhotoPublished p = Catalog.photo(photoId, Instant.parse("2024-06-01T00:00:00Z"));
        PhotoPublished withPlaceholder = new PhotoPublished(p.eventId(), p.occurredAt(), photoId, p.sha256(), p.renditions(),
                960, 640, p.capturedAt(), "data:image/webp;base64," + Base64.getEncoder().encodeToString(fixture("landscape-24x16.webp")));
        try (Catalog catalog = new Catalog(); Chromium browser = Chromium.start("1280", "720")) {
            browser.open(root + "?interval=2");
            await().atMost(Duration.ofSeconds(120)).until(() -> browser.eval("typeof window.imgboardFrame").asText(), equalTo("function"));
            browser.latency(20000);
            catalog.publish(withPlaceholder);
            // Shown next (an addition), faded in, its image still on the way: the placeholder is what is on screen.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> browser.eval(
                    "(function () { var l = document.querySelector('.layer.shown'); return !!l && window.imgboardFrame().currentId === '"
                            + photoId + "' && !l.querySelector('.placeholder').hidden && !l.querySelector('.photo.loaded')"
                            + " && getComputedStyle(l).opacity === '1'; })()").asBoolean());
            browser.screenshot(SHOTS.resolve("frame-placeholder.png"), false);
            browser.latency(0);
            await().atMost(Duration.ofSeconds(120)).until(() -> browser.eval(ON_SCREEN).asText(), matchesPattern(media(photoId) + " 960"));
            // The photo has faded in over its placeholder (0.6 s).
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval(
                    "getComputedStyle(document.querySelector('.layer.shown .photo')).opacity").asText(), equalTo("1"));
            browser.screenshot(SHOTS.resolve("frame-photo.png"), false);
        }
    }

    /**
     * interval=-5, Infinity or more seconds than a browser timer holds (2^31 ms: it would fire at once) is no
     * interval: the frame keeps its own (5 s here), not the 1 s floor, not a tight loop.
     */
    @Test
    void anIntervalThatIsNoPositiveNumberIsIgnored() throws Exception {
        try (Chromium browser = Chromium.start("640", "360")) {
            for (String bad : List.of("-5", "Infinity", "9999999")) {
                browser.open(root + "?interval=" + bad);
                await().atMost(Duration.ofSeconds(120)).until(() -> browser.eval("typeof window.imgboardFrame").asText(), equalTo("function"));
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval("window.imgboardFrame().events.settings").asInt() > 0);
                assertEquals(5000, browser.eval("window.imgboardFrame().intervalMs").asInt(), "interval=" + bad);
            }
            browser.open(root + "?interval=2");
            await().atMost(Duration.ofSeconds(120)).until(() -> browser.eval("typeof window.imgboardFrame").asText(), equalTo("function"));
            assertEquals(2000, browser.eval("window.imgboardFrame().intervalMs").asInt());
        }
    }

    /**
     * A photo is fetched in `uhd` when its `display` rendition (fit in 1920×1080) would be enlarged by more than a
     * sixth on the screen: on a portrait screen a portrait photo's 810×1080 would be shown 1080 wide; a landscape
     * photo there, and any photo on a 1080p screen, keep `display`. Found by exploratory testing: the frame chose by
     * the screen's width alone, so portrait-mounted screens showed portrait photos enlarged and soft.
     */
    @Test
    void aPhotoComesInUhdWhereItsDisplayRenditionWouldBeEnlarged() throws Exception {
        String portrait = "{width: 3024, height: 4032}";
        String landscape = "{width: 4032, height: 3024}";
        String small = "{width: 700, height: 1000}";
        try (Chromium browser = Chromium.start("1080", "1920")) {
            screen(browser, 1080, 1920);
            browser.open(root.toString());
            await().atMost(Duration.ofSeconds(120)).until(() -> browser.eval("typeof window.imgboardFrame").asText(), equalTo("function"));
            assertEquals("1080x1920", browser.eval("screen.width + 'x' + screen.height").asText());
            assertEquals("uhd", browser.eval("window.imgboardFrame().renditionFor(" + portrait + ")").asText());
            assertEquals("display", browser.eval("window.imgboardFrame().renditionFor(" + landscape + ")").asText());
            assertEquals("display", browser.eval("window.imgboardFrame().renditionFor(" + small + ")").asText(),
                    "no larger than the display rendition: nothing more to fetch");
        }
        try (Chromium browser = Chromium.start("1920", "1080")) {
            screen(browser, 1920, 1080);
            browser.open(root.toString());
            await().atMost(Duration.ofSeconds(120)).until(() -> browser.eval("typeof window.imgboardFrame").asText(), equalTo("function"));
            assertEquals("display", browser.eval("window.imgboardFrame().renditionFor(" + portrait + ")").asText());
            assertEquals("display", browser.eval("window.imgboardFrame().renditionFor(" + landscape + ")").asText());
        }
    }

    /**
     * On a phone (390×844) the date caption is on the screen in every fit, and the page is no larger than
     * the screen. Found in review: blur's fill is scaled to 110 % and nothing clipped it, so the page grew
     * past the screen (a phone then lays out a larger viewport, and the caption sat below the screen).
     */
    @Test
    void theCaptionIsOnAPhonesScreenInEveryFit() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String source = "upload:fit-" + tag;
        String frame = "fit-" + tag;
        UUID photoId = UUID.randomUUID();
        byte[] landscape = fixture("landscape-960x640.webp");
        Renditions.put(photoId, "display", landscape);
        Renditions.put(photoId, "uhd", landscape);
        PhotoPublished p = Catalog.photo(photoId, Instant.parse("2024-06-01T12:00:00Z"));
        try (Catalog catalog = new Catalog(); Chromium browser = Chromium.start("390", "844")) {
            catalog.publish(from(new PhotoPublished(p.eventId(), p.occurredAt(), photoId, p.sha256(), p.renditions(),
                    960, 640, p.capturedAt(), null), source));
            browser.viewport(390, 844);
            for (String fit : List.of("contain", "cover", "blur")) {
                frame(frame, source, 1, "\"fit\":\"" + fit + "\",\"showDate\":true");
                await().atMost(Duration.ofSeconds(60)).until(() -> given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN)
                        .get("/api/v1/frames/" + frame).jsonPath().getString("settings.fit"), equalTo(fit));
                browser.open(root + "frames/" + frame);
                await().atMost(Duration.ofSeconds(60)).until(() -> browser.eval("(function () { var f = window.imgboardFrame;"
                        + " var o = document.getElementById('overlay'); return !!f && f().fit + ' ' + !!document.querySelector("
                        + "'.layer.shown .photo.loaded') + ' ' + (o.hidden || o.classList.contains('between') ? '' : o.textContent);"
                        + " })()").asText(), equalTo(fit + " true June 1, 2024"));
                if (fit.equals("blur")) {
                    assertEquals(false, browser.eval("document.querySelector('.layer.shown .placeholder').hidden").asBoolean(),
                            "the blurred fill is drawn");
                }
                assertEquals("the caption inside 390x844, the page 390x844", browser.eval(
                        "(function () { var r = document.getElementById('overlay').getBoundingClientRect();"
                                + " var page = document.scrollingElement;"
                                + " return (r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight"
                                + " ? 'the caption inside ' : 'the caption at ' + JSON.stringify(r) + ' not inside ')"
                                + " + innerWidth + 'x' + innerHeight + ', the page ' + page.scrollWidth + 'x' + page.scrollHeight; })()")
                        .asText(), "fit " + fit);
                browser.screenshot(SHOTS.resolve("frame-phone-" + fit + ".png"), false);
            }
        }
    }

    /**
     * A cross-fade never dips toward black: halfway through it, the outgoing photo is still fully opaque
     * under the incoming one (drawn over it, half faded in); once it is over, the outgoing one is hidden.
     * Both photos are the same picture, so that any dip would be the transition's alone. Found in review:
     * both layers faded at once, so halfway the black behind them showed through.
     */
    @Test
    void aCrossFadeKeepsTheOutgoingPhotoOpaqueUnderTheIncomingOne() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String source = "upload:crossfade-" + tag;
        String frame = "crossfade-" + tag;
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        stored(Renditions.fixture(), first, second);
        try (Catalog catalog = new Catalog(); Chromium browser = Chromium.start("640", "400")) {
            catalog.publish(from(Catalog.photo(second, SECOND_CAPTURED), source));
            catalog.publish(from(Catalog.photo(first, Instant.parse("2999-01-01T00:00:00Z")), source));
            frame(frame, source, 2, "\"transition\":\"crossfade\",\"transitionMs\":4000");
            browser.open(root + "frames/" + frame);
            await().atMost(Duration.ofSeconds(60)).until(() -> browser.eval(ON_SCREEN).asText(), matchesPattern(shown(first)));
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval(
                    "getComputedStyle(document.querySelector('.layer.shown')).opacity").asText(), equalTo("1"));
            browser.eval(MID_FADE);
            browser.press("ArrowRight", 39);
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval("window.midFade || ''").asText(), not(equalTo("")));
            String[] mid = browser.eval("window.midFade").asText().split(" ");
            assertEquals("1", mid[0], "the outgoing layer's opacity halfway");
            double incoming = Double.parseDouble(mid[1]);
            assertTrue(incoming > 0.15 && incoming < 0.85, "the incoming layer half faded in: " + incoming);
            assertEquals("incoming", mid[2], "the layer drawn on top halfway");
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval("(function () { var l = document.querySelectorAll('.layer');"
                    + " return Array.prototype.map.call(l, function (e) { return e.classList.contains('shown') + ':'"
                    + " + getComputedStyle(e).opacity; }).sort().join(' '); })()").asText(), equalTo("false:0 true:1"));
            assertThat(browser.eval(ON_SCREEN).asText(), matchesPattern(shown(second)));
        }
    }

    /**
     * Halfway through the next transition of two shown layers (2 s of the 4 s cross-fade), records in
     * {@code window.midFade} the outgoing layer's opacity, the incoming one's, and which of them is drawn on top.
     */
    private static final String MID_FADE = "(function () { var layers = document.querySelectorAll('.layer');"
            + " var observer = new MutationObserver(function (changes) { changes.forEach(function (change) {"
            + "   var incoming = change.target; var outgoing = incoming === layers[0] ? layers[1] : layers[0];"
            + "   if (!incoming.classList.contains('shown') || (change.oldValue || '').indexOf('shown') >= 0) { return; }"
            + "   observer.disconnect();"
            + "   setTimeout(function () { var r = document.getElementById('stage').getBoundingClientRect();"
            + "     var top = document.elementFromPoint(r.width / 2, r.height / 2);"
            + "     window.midFade = getComputedStyle(outgoing).opacity + ' ' + getComputedStyle(incoming).opacity + ' '"
            + "       + (incoming.contains(top) ? 'incoming' : outgoing.contains(top) ? 'outgoing' : 'neither'); }, 2000); }); });"
            + " layers.forEach(function (l) { observer.observe(l, { attributes: true, attributeFilter: ['class'], attributeOldValue: true }); });"
            + " return true; })()";

    /**
     * The named frame {@code frame}: {@code source}'s photos newest first, 20 s each, with more settings
     * ({@code extra}, JSON members); returns once the display counts {@code total} photos in it.
     */
    private static void frame(String frame, String source, int total, String extra) {
        given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"settings\":{\"intervalMs\":20000,\"order\":\"captured\"," + extra + "},"
                        + "\"filter\":{\"sources\":[\"" + source + "\"]}}")
                .put("/api/v1/frames/" + frame).then().statusCode(lessThan(300));
        await().atMost(Duration.ofSeconds(120)).until(() -> given().get("/api/v1/frames/" + frame + "/next?limit=100")
                .jsonPath().getInt("total") == total);
    }

    /**
     * The page for a frame that does not exist fits a 300×200 iframe (a DAKboard tile): heading and lines inside
     * it, nothing to scroll; on a 1080p wall its heading is as large as before (about 45 px). A name typed with
     * capitals whose lower-case name is a frame is told so. Found in review: a fixed 45 px heading and 3rem margins
     * left the tile unreadable.
     */
    @Test
    void theNoSuchFramePageFitsASmallIframeAndPointsToTheLowerCaseName() throws Exception {
        String frame = "notice-" + UUID.randomUUID().toString().substring(0, 8);
        frame(frame, "upload:" + frame, 0, "\"showDate\":false");
        try (Chromium browser = Chromium.start("300", "200")) {
            browser.viewport(300, 200);
            browser.open(root + "frames/" + frame.toUpperCase(java.util.Locale.ROOT));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> browser.eval("document.title").asText(), equalTo("No such frame"));
            assertThat(browser.eval("document.body.innerText").asText(),
                    containsString("Frame names are lower-case: /frames/" + frame));
            String fits = "(function () { var out = []; document.querySelectorAll('h1, p').forEach(function (e) {"
                    + " var r = e.getBoundingClientRect(); if (r.right > innerWidth || r.bottom > innerHeight) {"
                    + " out.push(e.tagName + ' to ' + Math.round(r.right) + ',' + Math.round(r.bottom)); } });"
                    + " var page = document.scrollingElement;"
                    + " return (out.length ? out.join(', ') : 'all inside') + ' ' + innerWidth + 'x' + innerHeight"
                    + " + ', the page ' + page.scrollWidth + 'x' + page.scrollHeight; })()";
            assertEquals("all inside 300x200, the page 300x200", browser.eval(fits).asText());
            browser.screenshot(SHOTS.resolve("no-such-frame-300x200.png"), false);
            browser.viewport(1920, 1080);
            double heading = browser.eval("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)").asDouble();
            assertTrue(heading >= 40 && heading <= 50, "the heading on a 1080p wall: " + heading + " px");
            assertEquals("all inside 1920x1080, the page 1920x1080", browser.eval(fits).asText());
            browser.screenshot(SHOTS.resolve("no-such-frame-1080p.png"), false);
        }
    }

    /** The screen the page sees, set before its scripts run (headless Chromium reports 800×600 whatever its window). */
    private static void screen(Chromium browser, int width, int height) throws Exception {
        browser.beforeEveryPage("Object.defineProperty(screen, 'width', {get: () => " + width + "});"
                + "Object.defineProperty(screen, 'height', {get: () => " + height + "});");
    }

    private static byte[] fixture(String name) throws Exception {
        try (var in = FramePageBrowserTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
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
