package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.support.Catalog;
import io.imgboard.infra.testing.Chromium;
import io.imgboard.display.support.Neighbours;
import io.imgboard.display.support.PolicyViolations;
import io.imgboard.display.support.Renditions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The admin page and the frame together in real headless Chromium: a dropped file shows its progress
 * and outcome and then appears on an open frame; an interval saved in the admin page changes the
 * frame's next transition; the arrow keys step through photos; reprocessing shows a moving bar to the
 * end. Screenshots go to {@code target/screenshots} (looked at, then copied to {@code docs/screenshots}).
 */
@QuarkusTest
class AdminPageBrowserTest {
    static final Path SHOTS = Path.of("target", "screenshots");
    private static final String DEFAULT_FRAMES = "{\"frames\":{\"intervalMs\":5000,\"order\":\"shuffle\","
            + "\"reshuffleIntervalMs\":3600000,\"transition\":\"crossfade\",\"transitionMs\":1500,\"fit\":\"contain\","
            + "\"showDate\":false,\"showYearsAgo\":false}}";
    private static final String FRAME_STATE = "JSON.stringify(window.imgboardFrame ? window.imgboardFrame() : null)";

    @TestHTTPResource("/")
    URI root;

    @AfterEach
    void defaults() {
        Neighbours.LEDGER.reset();
        given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(DEFAULT_FRAMES).put("/api/v1/admin/settings").then().statusCode(200);
    }

    private Chromium signedInAdmin(int width, int height) throws Exception {
        Chromium admin = Chromium.start(String.valueOf(width), String.valueOf(height));
        PolicyViolations.watch(admin);
        admin.open(root + "admin/");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> admin.eval("!!document.getElementById('token-form')").asBoolean());
        PolicyViolations.assertNone(admin); // the sign-in form, under the page's policy
        admin.eval("localStorage.setItem('imgboard.adminToken', '" + Neighbours.ADMIN_TOKEN + "'); true");
        admin.open(root + "admin/");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> admin.eval("document.getElementById('s-interval').value").asText(), not(equalTo("")));
        return admin;
    }

    private static JsonNode frame(Chromium frame) throws Exception {
        return Catalog.JSON.readTree(frame.eval(FRAME_STATE).asText("null"));
    }

    private static List<UUID> photos(int count, String stem) throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(UUID.randomUUID());
        }
        Renditions.putAll(ids, Renditions.fixture(), "display", "uhd", "thumb");
        try (Catalog catalog = new Catalog()) {
            for (int i = 0; i < count; i++) {
                catalog.publish(Catalog.named(ids.get(i), stem + i + ".jpg", Instant.parse("2015-05-0" + (i + 1) + "T10:00:00Z")));
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/api/v1/playlist").jsonPath()
                .getList("photos.photoId", String.class), hasItem(ids.get(count - 1).toString()));
        return ids;
    }

    @Test
    void aFileDroppedOnTheAdminPageShowsItsProgressAndOutcomeThenAppearsOnAnOpenFrame() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        photos(2, "garden");
        try (Chromium frame = Chromium.start("1280", "720"); Chromium admin = signedInAdmin(1280, 2200)) {
            frame.open(root + "?interval=4");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> frame(frame).path("currentId").isTextual());
            int uploadsBefore = Neighbours.UPLOADS.size();
            byte[] jpeg = new byte[2 * 1024 * 1024];
            jpeg[0] = (byte) 0xFF;
            jpeg[1] = (byte) 0xD8;
            admin.eval("(function () { var s = atob('" + Base64.getEncoder().encodeToString(jpeg) + "');"
                    + " var a = new Uint8Array(s.length); for (var i = 0; i < s.length; i++) { a[i] = s.charCodeAt(i); }"
                    + " var dt = new DataTransfer(); dt.items.add(new File([a], 'beach day.jpg', {type: 'image/jpeg'}));"
                    + " dt.items.add(new File([a], 'IMG_0001.HEIC', {type: 'image/heic'}));"
                    + " dt.items.add(new File(['x'], 'not-a-photo.txt', {type: 'text/plain'}));"
                    + " var zone = document.getElementById('dropzone');"
                    + " zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));"
                    + " zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));"
                    + " return true; })()");
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.eval(
                    "document.querySelectorAll('#uploads li .outcome')[0].textContent").asText(), startsWith("Uploaded"));
            assertEquals("100", admin.eval("document.querySelectorAll('#uploads li [role=progressbar]')[0]"
                    + ".getAttribute('aria-valuenow')").asText());
            // every file goes to ingest, which tells a photo by its bytes: a HEIC is taken like a JPEG, and a text
            // file is refused with ingest's reason
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.eval(
                    "document.querySelectorAll('#uploads li .outcome')[2].textContent").asText(), startsWith("Refused"));
            assertThat(admin.eval("document.querySelectorAll('#uploads li .outcome')[1].textContent").asText(),
                    startsWith("Uploaded"));
            assertThat(admin.eval("document.querySelectorAll('#uploads li .outcome')[2].textContent").asText(),
                    equalTo("Refused: not an image: its bytes are neither JPEG nor PNG"));
            assertEquals(uploadsBefore + 3, Neighbours.UPLOADS.size(), "each file went to ingest");
            assertEquals("beach day.jpg", Neighbours.UPLOADS.get(uploadsBefore).get("name"));
            assertEquals(jpeg.length, Neighbours.UPLOADS.get(uploadsBefore).get("size"));
            assertEquals("IMG_0001.HEIC", Neighbours.UPLOADS.get(uploadsBefore + 1).get("name"));
            admin.screenshot(SHOTS.resolve("admin-upload.png"), false);

            // Ingest, the ledger and the preprocessor do their part; the open frame shows it next, without a reload.
            UUID uploaded = UUID.randomUUID();
            Renditions.put(uploaded, "display", Renditions.fixture());
            Renditions.put(uploaded, "uhd", Renditions.fixture());
            try (Catalog catalog = new Catalog()) {
                catalog.publish(Catalog.named(uploaded, "beach day.jpg", Instant.parse("2016-08-14T15:00:00Z")));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> frame(frame).path("currentId").asText(),
                    equalTo(uploaded.toString()));
            assertEquals(Boolean.FALSE, frame.eval("window.performance.getEntriesByType('navigation')[0].type === 'reload'")
                    .asBoolean(), "no reload");
            PolicyViolations.assertNone(admin);
        }
    }

    @Test
    void anIntervalSavedInTheAdminChangesTheFramesNextTransitionAndArrowsStepBackAndForth() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        photos(3, "lake");
        // A frame that changes its photo every 2 s with a short crossfade (0.3 s) before the admin saves
        // anything: a photo that stays for 4 s shows that the saved interval holds, and three transitions
        // at the saved 2 s take 7 s, not 10.5 s with the default 1.5 s crossfade. The admin page reads these
        // settings, so its saves keep the crossfade short. @AfterEach puts the defaults back.
        given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(DEFAULT_FRAMES.replace("\"intervalMs\":5000", "\"intervalMs\":2000")
                        .replace("\"transitionMs\":1500", "\"transitionMs\":300"))
                .put("/api/v1/admin/settings").then().statusCode(200);
        try (Chromium frame = Chromium.start("1280", "720"); Chromium admin = signedInAdmin(1280, 2200)) {
            frame.open(root.toString());
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> frame(frame).path("currentId").isTextual());

            save(admin, "60");
            await().atMost(Duration.ofSeconds(20)).until(() -> frame(frame).path("intervalMs").asLong(), equalTo(60_000L));
            // A photo already loading when the interval changed may still land: take the one that holds.
            String[] held = {frame(frame).path("currentId").asText()};
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                String now = frame(frame).path("currentId").asText();
                boolean same = now.equals(held[0]);
                held[0] = now;
                return same;
            });
            String still = held[0];
            // Held for 1 s and then 3 s more: at the 2 s before it would have changed by then.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> frame(frame).path("currentId").asText(), equalTo(still));

            // Arrows: forward shows another photo at once, back brings the one before again.
            frame.press("ArrowRight", 39);
            await().atMost(Duration.ofSeconds(10)).until(() -> frame(frame).path("currentId").asText(), not(equalTo(still)));
            String second = frame(frame).path("currentId").asText();
            frame.press("ArrowLeft", 37);
            await().atMost(Duration.ofSeconds(10)).until(() -> frame(frame).path("currentId").asText(), equalTo(still));
            frame.press("ArrowRight", 39);
            await().atMost(Duration.ofSeconds(10)).until(() -> frame(frame).path("currentId").asText(), equalTo(second));

            // 2 s: the next transition comes about 2 s (plus the fade) after the photo appeared, and goes on.
            int shown = frame(frame).path("history").size();
            save(admin, "2");
            await().atMost(Duration.ofSeconds(20)).until(() -> frame(frame).path("intervalMs").asLong(), equalTo(2000L));
            await().atMost(Duration.ofSeconds(20)).until(() -> frame(frame).path("history").size(), greaterThanOrEqualTo(shown + 3));

            // The look a screenshot shows: blurred fill and the date overlay (and the default crossfade again).
            admin.eval("document.getElementById('s-fit').value = 'blur'; document.getElementById('s-date').checked = true;"
                    + " document.getElementById('s-years').checked = true; document.getElementById('s-interval').value = '60';"
                    + " document.getElementById('s-transition-ms').value = '1500';"
                    + " document.querySelector('#settings-form button[type=submit]').click(); true");
            await().atMost(Duration.ofSeconds(20)).until(() -> frame(frame).path("fit").asText(), equalTo("blur"));
            await().atMost(Duration.ofSeconds(20)).until(() -> frame.eval("document.getElementById('overlay').textContent").asText(),
                    startsWith(""));
            admin.screenshot(SHOTS.resolve("admin-settings.png"), false);
            frame.press("ArrowRight", 39);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> frame.eval(
                    "document.querySelector('.layer.shown .photo.loaded') !== null && !document.getElementById('overlay').hidden").asBoolean());
            frame.screenshot(SHOTS.resolve("frame.png"), false);
            PolicyViolations.assertNone(admin);
        }
    }

    private static void save(Chromium admin, String seconds) throws Exception {
        admin.eval("document.getElementById('s-interval').value = '" + seconds + "';"
                + " document.querySelector('#settings-form button[type=submit]').click(); true");
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.eval("document.getElementById('settings-message').textContent")
                .asText(), startsWith("Saved"));
        admin.eval("document.getElementById('settings-message').textContent = ''; true");
    }

    /**
     * Saving one setting leaves the others as they were: an interval of 7.5 s (set through the API) is shown as 7.5
     * and saved back as 7500 ms when only the date overlay is ticked, not rounded to 8 s; and a named frame edited
     * in the form keeps what the form does not show (its date overlay). Then "Sign out" forgets the token, and the
     * page asks for it again. Found by exploratory testing.
     */
    @Test
    void savingOneSettingKeepsTheOthersAndSignOutForgetsTheToken() throws Exception {
        given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(DEFAULT_FRAMES.replace("\"intervalMs\":5000", "\"intervalMs\":7500")).put("/api/v1/admin/settings")
                .then().statusCode(200);
        given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"settings\":{\"intervalMs\":2500,\"showDate\":true}}").put("/api/v1/frames/hall-kept")
                .then().statusCode(lessThan(300));
        try (Chromium admin = signedInAdmin(1280, 2400)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.eval("document.getElementById('s-interval').value").asText(),
                    equalTo("7.5"));
            admin.eval("document.getElementById('s-date').checked = true;"
                    + " document.querySelector('#settings-form button[type=submit]').click(); true");
            await().atMost(Duration.ofSeconds(20)).until(() -> admin.eval("document.getElementById('settings-message').textContent")
                    .asText(), startsWith("Saved"));
            given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/admin/settings").then()
                    .body("frames.intervalMs", equalTo(7500)).body("frames.showDate", equalTo(true));

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.eval(
                    "[...document.querySelectorAll('#frames tbody tr')].some(r => r.textContent.includes('hall-kept'))").asBoolean());
            admin.eval("[...document.querySelectorAll('#frames tbody tr')].find(r => r.textContent.includes('hall-kept'))"
                    + ".querySelector('button').click(); true");
            assertEquals("2.5", admin.eval("document.getElementById('f-interval').value").asText());
            admin.eval("document.getElementById('f-transition').value = 'none'; document.getElementById('frame-save').click(); true");
            await().atMost(Duration.ofSeconds(20)).until(() -> admin.eval("document.getElementById('frame-message').textContent")
                    .asText(), startsWith("Frame hall-kept saved"));
            given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/frames/hall-kept").then()
                    .body("overrides.intervalMs", equalTo(2500)).body("overrides.showDate", equalTo(true))
                    .body("overrides.transition", equalTo("none"));

            admin.eval("document.getElementById('sign-out').click(); true");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.eval("!!document.getElementById('token-form')").asBoolean());
            assertEquals("", admin.eval("localStorage.getItem('imgboard.adminToken') || ''").asText());
            assertFalse(admin.eval("!!document.getElementById('sign-out')").asBoolean(), "nothing to sign out of");
        } finally {
            given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).delete("/api/v1/frames/hall-kept");
        }
    }

    @Test
    void reprocessShowsAMovingBarFromTheFirstPollToTheRealEnd() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        Neighbours.LEDGER.photos = 4;
        try (Chromium admin = signedInAdmin(1280, 2200)) {
            admin.eval("window.seen = []; new MutationObserver(function () { window.seen.push("
                    + "document.getElementById('reprocess-bar').getAttribute('aria-valuenow')); })"
                    + ".observe(document.getElementById('reprocess-bar'), {attributes: true}); true");
            // the second click starts it (the first asks "Really reprocess all photos?")
            admin.eval("document.getElementById('reprocess-button').click(); true");
            admin.eval("document.getElementById('reprocess-button').click(); true");
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.eval("document.getElementById('reprocess-message').textContent")
                    .asText(), equalTo("Finished."));
            List<Integer> seen = new ArrayList<>();
            admin.eval("JSON.stringify(window.seen)");
            for (JsonNode value : Catalog.JSON.readTree(admin.eval("JSON.stringify(window.seen)").asText())) {
                seen.add(Integer.parseInt(value.asText()));
            }
            // First poll: 0 of 4 with the bar showing; then 25, 50, 75 as photos finish; 100 at the real end.
            assertEquals(0, seen.get(0));
            assertThat(seen, hasItem(50));
            assertEquals(100, seen.get(seen.size() - 1));
            for (int i = 1; i < seen.size(); i++) {
                assertThat("the bar never goes back", seen.get(i), greaterThanOrEqualTo(seen.get(i - 1)));
            }
            assertEquals("4 of 4 photos done, 0 failed.", admin.eval("document.getElementById('reprocess-counts').textContent").asText());
            assertEquals("progressbar", admin.eval("document.getElementById('reprocess-bar').getAttribute('role')").asText());
            PolicyViolations.assertNone(admin);
        }
    }

    @Test
    void theAdminPageIsUsableAt360Pixels() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        try (Chromium admin = signedInAdmin(360, 2400)) {
            admin.viewport(360, 2400);
            // Nothing wider than the screen: no sideways scrolling.
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.eval("document.documentElement.scrollWidth").asInt(),
                    org.hamcrest.Matchers.lessThanOrEqualTo(360));
            // Every form control has a label a screen reader reads.
            assertEquals(0, admin.eval("Array.prototype.filter.call(document.querySelectorAll('#settings-form input, #settings-form select'),"
                    + " function (i) { return !(i.labels && i.labels.length) && !i.getAttribute('aria-label'); }).length").asInt());
            admin.screenshot(SHOTS.resolve("admin-360.png"), false);
            PolicyViolations.assertNone(admin);
        }
    }
}
