package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.testing.Chromium;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin sections on the whole system, through the display routes the admin page calls
 * ({@code /api/v1/admin/...}), which ask the real ingest and ledger: a folder source added, simulated
 * and scanned now brings a photo that the photo search lists with a thumbnail the display serves and
 * that is on the frames; hiding it takes it off the frames, unhiding puts it back; a device created
 * there gets a token once, the token uploads, revoking it refuses it.
 */
@ExtendWith(SharedSystem.class)
class AdminSectionsIT {
    private static final Credentials CREDENTIALS = SharedSystem.CREDENTIALS;
    private static final Duration PIPELINE = Duration.ofSeconds(120);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static LocalSystem system;
    /** JUnit deletes it after the class. */
    @TempDir
    static Path photos;
    /** The folder source's folder; the device's photos are made beside it, not in it. */
    private static Path album;

    @BeforeAll
    static void startEverything() throws Exception {
        album = Files.createDirectories(photos.resolve("album"));
        system = SharedSystem.system(); // shared with the other classes of this JVM: see SharedSystem
    }

    @Test
    void aSourceAddedAndScannedFromTheAdminBringsAPhotoThatHidingTakesOffTheFrames() throws Exception {
        Photos.iphonePortrait(album, "IMG_7001.JPG", 7001);
        // Polled once a day: only "scan now" brings the photo in during this test.
        HttpResponse<String> created = admin("POST", "/api/v1/admin/sources", "{\"id\":\"album\",\"path\":\"" + album
                + "\",\"pollSeconds\":86400,\"stableSeconds\":1}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode listed = json(admin("GET", "/api/v1/admin/sources", null));
        assertTrue(listed.toString().contains("\"id\":\"album\""), listed.toString());

        HttpResponse<String> refused = admin("POST", "/api/v1/admin/sources", "{\"id\":\"bad\",\"path\":\"relative/path\"}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(json(refused).get("error").asText().contains("not absolute"), refused.body());

        JsonNode simulated = json(admin("POST", "/api/v1/admin/sources/album/simulate", null));
        assertTrue(simulated.get("simulated").asBoolean(), simulated.toString());
        assertEquals(1, simulated.get("discovered").asInt(), simulated.toString());

        // Scan now until the file has been stable long enough to be taken and the ledger lists it.
        JsonNode photo = await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
            admin("POST", "/api/v1/admin/sources/album/scan", null);
            JsonNode page = json(admin("GET", "/api/v1/admin/photos?source=folder%3Aalbum&state=visible", null));
            return page.get("photos").size() == 1 ? page.get("photos").get(0) : null;
        }, p -> p != null);
        String id = photo.get("photoId").asText();
        assertEquals("IMG_7001.JPG", photo.get("name").asText(), photo.toString());
        HttpResponse<byte[]> thumb = CLIENT.send(HttpRequest.newBuilder(URI.create(display(photo.get("thumb").asText())))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, thumb.statusCode());
        assertEquals("image/webp", thumb.headers().firstValue("Content-Type").orElse(null));
        await().atMost(PIPELINE).until(() -> onFrames(id));

        assertEquals(200, admin("POST", "/api/v1/admin/photos/" + id + "/hide", null).statusCode());
        await().atMost(PIPELINE).until(() -> !onFrames(id));
        JsonNode hidden = json(admin("GET", "/api/v1/admin/photos?source=folder%3Aalbum&state=hidden", null));
        assertEquals(id, hidden.get("photos").get(0).get("photoId").asText(), hidden.toString());
        assertNotNull(hidden.get("photos").get(0).get("thumb").textValue(), "a hidden photo keeps its thumbnail in the admin");
        assertEquals(200, admin("POST", "/api/v1/admin/photos/" + id + "/unhide", null).statusCode());
        await().atMost(PIPELINE).until(() -> onFrames(id));

        HttpResponse<String> edited = admin("PUT", "/api/v1/admin/sources/album", "{\"path\":\"" + album
                + "\",\"pollSeconds\":3600}");
        assertEquals(200, edited.statusCode(), edited.body());
        assertEquals(3600, json(edited).get("pollSeconds").asInt(), edited.body());
        assertEquals(204, admin("DELETE", "/api/v1/admin/sources/album", null).statusCode());
        assertEquals(404, admin("GET", "/api/v1/admin/sources/album", null).statusCode());
    }

    /** The admin page's upload route, display → real ingest: a HEIC is taken and reaches the frames; a text file is refused. */
    @Test
    void theAdminPageUploadsAHeicThroughIngestAndItIsShown() throws Exception {
        String display = system.url("display-service") + "/api/v1/admin/uploads";
        Http.Response taken = Http.upload(display, CREDENTIALS.admin(), Photos.heic(photos, "IMG_4120.HEIC", 7101));
        assertEquals(201, taken.status(), new String(taken.body()));
        JsonNode result = taken.json().get("files").get(0);
        assertEquals("created", result.get("status").asText(), result.toString());
        assertTrue(result.get("contentType").asText().startsWith("image/hei"), result.toString());
        JsonNode shown = await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).until(() ->
                json(admin("GET", "/api/v1/admin/photos?state=visible&source=upload%3Aadmin", null)).get("photos"),
                p -> p.toString().contains("IMG_4120.HEIC"));
        assertTrue(shown.toString().contains("IMG_4120.HEIC"), shown.toString());

        Path notes = Files.writeString(photos.resolve("notes.txt"), "not a photo");
        Http.Response refused = Http.upload(display, CREDENTIALS.admin(), notes);
        assertEquals(415, refused.status(), new String(refused.body()));
        assertTrue(new String(refused.body()).contains("not an image"), new String(refused.body()));
        assertEquals(401, Http.upload(display, CREDENTIALS.upload(), notes).status(), "the upload token is not the admin's");
    }

    /**
     * Two files of one shot (the same picture at two JPEG qualities) are one photo with a twin; the
     * admin lists the twin with its file name, and "not the same shot" makes it a photo of its own.
     */
    @Test
    void aTwinListedInTheAdminIsSplitOffIntoAPhotoOfItsOwn() throws Exception {
        Path shots = Files.createDirectories(photos.resolve("twins"));
        String ingest = system.url("ingest-service") + "/api/v1/uploads";
        assertEquals(201, Http.upload(ingest, CREDENTIALS.upload(), Photos.shapes(shots, "IMG_9301.JPG", 9301)).status());
        await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).until(() -> adminPhoto("IMG_9301.JPG") != null);
        assertEquals(201, Http.upload(ingest, CREDENTIALS.upload(), Photos.shapes(shots, "IMG_9301-small.JPG", 9301, 0.5f)).status());
        JsonNode photo = await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).until(() -> adminPhoto("IMG_9301.JPG"),
                p -> p != null && p.get("twins").size() == 1);
        JsonNode twin = photo.get("twins").get(0);
        assertEquals("[\"IMG_9301-small.JPG\"]", twin.get("names").toString(), photo.toString());
        assertEquals(4032, twin.get("width").asInt(), photo.toString());
        assertEquals(null, adminPhoto("IMG_9301-small.JPG"), "a twin is not listed on its own");
        String id = photo.get("photoId").asText();
        String twinId = twin.get("twinId").asText();

        assertEquals(400, admin("POST", "/api/v1/admin/photos/" + id + "/twins/not-an-id/split", null).statusCode());
        assertEquals(404, admin("POST", "/api/v1/admin/photos/" + twinId + "/twins/" + id + "/split", null).statusCode(),
                "the photo is not a twin of its twin");
        HttpResponse<String> split = admin("POST", "/api/v1/admin/photos/" + id + "/twins/" + twinId + "/split", null);
        assertEquals(200, split.statusCode(), split.body());
        JsonNode own = await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).until(() -> adminPhoto("IMG_9301-small.JPG"),
                p -> p != null && "READY".equals(p.get("state").asText()));
        assertEquals(twinId, own.get("photoId").asText());
        assertEquals(0, adminPhoto("IMG_9301.JPG").get("twins").size());
        await().atMost(PIPELINE).until(() -> onFrames(id) && onFrames(twinId));
    }

    /**
     * A photo deleted in the admin stays deleted, and a phone sending its bytes again is told so by every
     * way in: the multipart upload and the raw PUT answer "duplicate", its photo and {@code deleted: true},
     * and the pre-check counts them as known, so the phone stops sending them.
     */
    @Test
    void bytesOfAPhotoDeletedInTheAdminAreToldDeletedWhenTheyComeAgain() throws Exception {
        Path shots = Files.createDirectories(photos.resolve("deleted"));
        Path shot = Photos.shapes(shots, "IMG_9401.JPG", 9401);
        Path again = Files.copy(shot, shots.resolve("IMG_9401 (1).JPG"));
        String ingest = system.url("ingest-service") + "/api/v1/uploads";
        assertEquals(201, Http.upload(ingest, CREDENTIALS.upload(), shot).status());
        String id = await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).until(() -> adminPhoto("IMG_9401.JPG"),
                p -> p != null && "READY".equals(p.get("state").asText())).get("photoId").asText();
        JsonNode duplicate = Http.upload(ingest, CREDENTIALS.upload(), again).json().get("files").get(0);
        assertEquals("duplicate", duplicate.get("status").asText(), duplicate.toString());
        assertEquals(id, duplicate.get("photoId").asText(), duplicate.toString());
        assertFalse(duplicate.get("deleted").asBoolean(), duplicate.toString());

        HttpResponse<String> deleted = admin("DELETE", "/api/v1/admin/photos/" + id, null);
        assertEquals(200, deleted.statusCode(), deleted.body());
        await().atMost(PIPELINE).until(() -> !onFrames(id));

        JsonNode multipart = Http.upload(ingest, CREDENTIALS.upload(), again).json().get("files").get(0);
        assertEquals("duplicate", multipart.get("status").asText(), multipart.toString());
        assertEquals(id, multipart.get("photoId").asText(), multipart.toString());
        assertTrue(multipart.get("deleted").asBoolean(), multipart.toString());
        Http.Response put = Http.put(ingest + "/IMG_9401%20(2).JPG", CREDENTIALS.upload(), again);
        assertEquals(200, put.status(), put.text());
        assertTrue(put.json().get("deleted").asBoolean(), put.text());
        String sha = multipart.get("sha256").asText();
        Http.Response check = Http.post(ingest + "/check", CREDENTIALS.upload(), "{\"sha256\":[\"" + sha + "\"]}");
        assertEquals("[\"" + sha + "\"]", check.json().get("known").toString(), check.text());
        assertFalse(onFrames(id), "sent again, a deleted photo stays off the frames");
    }

    /** The admin's listing of this test's upload by its file name, or null. */
    private static JsonNode adminPhoto(String name) throws Exception {
        for (JsonNode p : json(admin("GET", "/api/v1/admin/photos?source=upload%3Aapi&limit=200", null)).get("photos")) {
            if (name.equals(p.path("name").asText())) {
                return p;
            }
        }
        return null;
    }

    @Test
    void aDeviceCreatedInTheAdminUploadsWithItsTokenUntilRevoked() throws Exception {
        HttpResponse<String> created = admin("POST", "/api/v1/admin/devices", "{\"name\":\"it-phone\"}");
        assertEquals(201, created.statusCode(), created.body());
        String token = json(created).get("token").asText();
        assertFalse(token.isBlank());
        String listed = admin("GET", "/api/v1/admin/devices", null).body();
        assertTrue(listed.contains("\"it-phone\"") && !listed.contains(token), "listed, never with its token: " + listed);

        Http.Response upload = Http.upload(system.url("ingest-service") + "/api/v1/uploads", token,
                Photos.iphonePortrait(photos, "device.jpg", 7002));
        assertEquals(201, upload.status(), new String(upload.body()));
        // The search by device finds it: ingest names the device on the file's origin as the admin does.
        JsonNode found = await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).until(() ->
                json(admin("GET", "/api/v1/admin/photos?device=it-phone", null)).get("photos"), p -> p.size() == 1);
        assertEquals("device.jpg", found.get(0).get("name").asText(), found.toString());
        assertTrue(found.get(0).get("devices").toString().contains("it-phone"), found.toString());
        assertEquals(0, json(admin("GET", "/api/v1/admin/photos?device=another-phone", null)).get("photos").size());
        JsonNode devices = json(admin("GET", "/api/v1/admin/devices", null));
        assertEquals(1, devices.findParents("name").stream().filter(d -> "it-phone".equals(d.path("name").asText()))
                .findFirst().orElseThrow().path("uploads").asInt(), "the device's upload is counted: " + devices);

        assertEquals(204, admin("DELETE", "/api/v1/admin/devices/it-phone", null).statusCode());
        assertEquals(401, Http.upload(system.url("ingest-service") + "/api/v1/uploads", token,
                Photos.iphonePortrait(photos, "after.jpg", 7003)).status());

        // The other sections answer from the real services too.
        assertEquals(200, admin("POST", "/api/v1/admin/photos/retry-failed", null).statusCode());
        assertEquals(200, admin("GET", "/api/v1/admin/export", null).statusCode());
        assertEquals(401, send("GET", "/api/v1/admin/devices", null, null).statusCode(), "no token, no admin");
    }

    @Test
    void theAdminSectionsInRealChromiumOnTheRealSystem() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        // Something in every section: photos uploaded (one with a device's token), one that fails in the
        // preprocessor, a folder source, a device, a named frame.
        Path shots = Files.createDirectories(photos.resolve("shots"));
        HttpResponse<String> device = admin("POST", "/api/v1/admin/devices", "{\"name\":\"kitchen-tablet\"}");
        assertEquals(201, device.statusCode(), device.body());
        String deviceToken = json(device).get("token").asText();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = "IMG_80" + i + "0.JPG";
            String token = i == 0 ? deviceToken : CREDENTIALS.upload();
            assertEquals(201, Http.upload(system.url("ingest-service") + "/api/v1/uploads", token,
                    Photos.iphonePortrait(shots, name, 8000 + i)).status());
            names.add(name);
        }
        Path whole = Photos.iphonePortrait(shots, "whole.jpg", 8100);
        assertEquals(201, Http.upload(system.url("ingest-service") + "/api/v1/uploads", CREDENTIALS.upload(),
                Photos.truncated(whole, shots, "scan-0913.jpg")).status());
        Path nas = Files.createDirectories(photos.resolve("nas"));
        // The system is shared (SharedSystem): FolderSourceIT has a source "nas" of its own.
        assertEquals(201, admin("POST", "/api/v1/admin/sources", "{\"id\":\"admin-nas\",\"path\":\"" + nas
                + "\",\"pollSeconds\":600,\"stableSeconds\":5}").statusCode());
        assertEquals(201, admin("PUT", "/api/v1/frames/kitchen", "{\"settings\":{\"intervalMs\":8000,\"fit\":\"cover\"},"
                + "\"filter\":{\"devices\":[\"kitchen-tablet\"]}}").statusCode());
        await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).until(() ->
                json(admin("GET", "/api/v1/admin/photos?state=visible&source=upload%3Aapi", null)).get("photos").size() >= 5
                        && json(admin("GET", "/api/v1/admin/failures", null)).toString().contains("scan-0913.jpg"));

        Path out = Files.createDirectories(Path.of("target", "screenshots"));
        try (Chromium browser = Chromium.start("1280", "900")) {
            browser.open(display("/admin/"));
            await().atMost(PIPELINE).ignoreExceptions()
                    .until(() -> browser.eval("!!document.getElementById('photo-search')").asBoolean());
            browser.eval("localStorage.setItem('imgboard.adminToken', '" + CREDENTIALS.admin() + "'); true");
            browser.open(display("/admin/"));
            // Every card's thumbnail is decoded: the display served it from the real S3 server. The cards'
            // images load lazily, when scrolled near: asked for now, so none waits on where the page is scrolled.
            // On a timeout the message names the images still loading or broken.
            await().atMost(PIPELINE).ignoreExceptions().until(() -> browser.eval(
                    "(function () { var imgs = Array.prototype.slice.call(document.querySelectorAll('#photos li.card img'));"
                            + " imgs.forEach(function (i) { i.loading = 'eager'; });"
                            + " var notShown = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });"
                            + " return imgs.length >= 5 && !notShown.length ? 'every thumbnail shown' : imgs.length + ' thumbnails;"
                            + " not shown: ' + notShown.map(function (i) { return i.src + (i.complete ? ' (broken)' : ' (loading)'); })"
                            + ".join(', '); })()").asText(), equalTo("every thumbnail shown"));
            await().atMost(PIPELINE).ignoreExceptions().until(() -> browser.eval(
                    "document.querySelectorAll('#devices tbody tr').length >= 1"
                            + " && document.querySelectorAll('#sources tbody tr').length >= 1"
                            + " && document.querySelectorAll('#failures tbody tr').length >= 1"
                            + " && document.querySelectorAll('#frames tbody tr').length >= 2"
                            + " && !!document.getElementById('x-path')").asBoolean());
            for (String[] section : new String[][]{{"photos-title", "admin-photos.png"}, {"sources-title", "admin-sources.png"},
                    {"devices-title", "admin-devices.png"}, {"failures-title", "admin-failures.png"},
                    {"export-title", "admin-export.png"}, {"frames-title", "admin-frames.png"}}) {
                browser.eval("document.getElementById('" + section[0] + "').scrollIntoView(); true");
                browser.screenshot(out.resolve(section[1]), false);
            }

            // Hide one of this test's photos (the system is shared) with the button a person clicks; the
            // ledger records it, the frames lose it.
            String id = browser.eval("(function () { var cards = document.querySelectorAll('#photos li.card');"
                    + " for (var i = 0; i < cards.length; i++) { if (cards[i].querySelector('.state.READY')"
                    + " && cards[i].textContent.indexOf('" + names.get(4) + "') >= 0) {"
                    + " return cards[i].getAttribute('data-photo'); } } return ''; })()").asText();
            assertFalse(id.isEmpty(), names.get(4) + " is not among the ready photos the admin lists");
            await().atMost(PIPELINE).until(() -> onFrames(id));
            assertEquals("Hide", browser.eval("document.querySelector(\"[data-photo='" + id + "'] .card-actions button\").textContent").asText());
            browser.eval("document.querySelector(\"[data-photo='" + id + "'] .card-actions button\").click(); true");
            await().atMost(PIPELINE).until(() -> Http.JSON.readTree(CLIENT.send(HttpRequest.newBuilder(
                            URI.create(system.url("ledger-service") + "/api/v1/photos/" + id)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("hidden").asBoolean());
            await().atMost(PIPELINE).until(() -> browser.eval(
                    "document.querySelector(\"[data-photo='" + id + "'] .card-actions button\").textContent").asText().equals("Unhide"));
            await().atMost(PIPELINE).until(() -> !onFrames(id));
            browser.eval("document.getElementById('photos-title').scrollIntoView(); true");
            browser.screenshot(out.resolve("admin-photos-hidden.png"), false);
        }
    }

    private static boolean onFrames(String photoId) throws Exception {
        return send("GET", "/api/v1/playlist", null, null).body().contains(photoId);
    }

    private static String display(String relative) {
        return system.url("display-service") + relative;
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Http.JSON.readTree(response.body());
    }

    private static HttpResponse<String> admin(String method, String path, String json) throws Exception {
        return send(method, path, json, "Bearer " + CREDENTIALS.admin());
    }

    private static HttpResponse<String> send(String method, String path, String json, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(display(path))).timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
