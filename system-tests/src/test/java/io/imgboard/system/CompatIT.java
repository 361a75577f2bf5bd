package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.testing.Chromium;
import io.imgboard.infra.testing.SseClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * img-board's API on the whole system (IMG-BOARD-API.md): a photo uploaded through the display's
 * {@code /api/admin/upload} goes display → ingest (admin token) → ledger → preprocessor → catalog and
 * comes out as an img-board file name on {@code /api/images} and {@code /images/<name>}; with the
 * ledger's rendition and job routes, a box change through {@code /api/admin/config} reprocesses every
 * photo and {@code reprocess-status} is active from the trigger to the real end; the same box change
 * saved from the admin page in headless Chromium moves its progress bar from the first poll to the end.
 */
@ExtendWith(SharedSystem.class)
@Order(2) // in InOrderSystemIT: after ExportIT, as it changes the box of every photo
class CompatIT {
    private static final Credentials CREDENTIALS = SharedSystem.CREDENTIALS;
    private static final Duration PIPELINE = Duration.ofSeconds(120);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** JUnit deletes it after the class. */
    @TempDir
    static Path photos;
    private static LocalSystem system;

    @BeforeAll
    static void startEverything() {
        system = SharedSystem.system(); // shared with ExportIT and AuthScanIT, in InOrderSystemIT
    }

    @Test
    void aPhotoUploadedThroughTheAdminRouteIsListedAndServedUnderItsImgBoardName() throws Exception {
        assertEquals(403, send("GET", "/api/admin/stats", null, null, null).statusCode(), "no token, no admin");
        Path photo = Photos.iphonePortrait(photos, "IMG 0042.JPG", 42);
        HttpResponse<String> upload = uploadImages(photo);
        assertEquals(200, upload.statusCode(), upload.body());
        JsonNode answer = Http.JSON.readTree(upload.body());
        assertTrue(answer.get("success").asBoolean(), upload.body());
        assertEquals("IMG 0042.JPG", answer.get("uploaded").get(0).get("original").asText());
        assertEquals("created", answer.get("files").get(0).get("status").asText(), upload.body());

        String name = await().atMost(PIPELINE).until(() -> {
            JsonNode list = Http.JSON.readTree(send("GET", "/api/images", null, null, null).body());
            for (JsonNode n : list) {
                if (n.asText().matches("IMG_0042-[0-9a-f]{12}\\.webp")) {
                    return n.asText();
                }
            }
            return null;
        }, n -> n != null);
        Http.Response image = Http.get(system.url("display-service") + "/images/" + name);
        assertEquals(200, image.status());
        assertEquals("image/webp", image.header("Content-Type"));
        assertEquals("public, max-age=0", image.header("Cache-Control"));
        int[] size = Photos.webpSize(image.body());
        assertTrue(size[0] <= 1920 && size[1] <= 1080, "inside the display box: " + size[0] + "x" + size[1]);
        assertEquals(304, Http.get(system.url("display-service") + "/images/" + name, "If-None-Match", image.header("ETag")).status());
        JsonNode stats = Http.JSON.readTree(send("GET", "/api/admin/stats", "application/json", null, admin()).body());
        assertTrue(stats.get("processed").asInt() >= 1, stats.toString());
    }

    @Test
    void aBoxChangeReprocessesEveryPhotoAndStatusIsActiveToTheRealEnd() throws Exception {
        // Two photos, so the run outlasts the first poll even on a quiet machine.
        assertEquals(200, uploadImages(Photos.iphonePortrait(photos, "box.jpg", 43)).statusCode());
        assertEquals(200, uploadImages(Photos.iphonePortrait(photos, "box-two.jpg", 44)).statusCode());
        await().atMost(PIPELINE).until(() -> {
            String listed = send("GET", "/api/images", null, null, null).body();
            return listed.matches("(?s).*\"box-[0-9a-f]{12}\\.webp\".*") && listed.contains("\"box-two-");
        });

        try (SseClient frame = new SseClient(URI.create(system.url("display-service") + "/api/events"))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !frame.events("connected").isEmpty());
            HttpResponse<String> saved = send("POST", "/api/admin/config", "application/json",
                    "{\"slideshowInterval\":7000,\"preprocessing\":{\"targetWidth\":640,\"targetHeight\":640}}", admin());
            // The first poll comes right after the answer: the run is registered before the 200 (B3).
            List<JsonNode> polls = new ArrayList<>();
            polls.add(Http.JSON.readTree(send("GET", "/api/admin/reprocess-status", null, null, admin()).body()));
            assertEquals(200, saved.statusCode(), saved.body());
            assertEquals("{\"success\":true,\"reprocessing\":true}", saved.body());

            await().atMost(PIPELINE).pollInterval(Duration.ofMillis(500)).until(() -> {
                JsonNode status = Http.JSON.readTree(send("GET", "/api/admin/reprocess-status", null, null, admin()).body());
                polls.add(status);
                return !status.get("active").asBoolean();
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> frame.events("config-update").stream()
                    .anyMatch(e -> e.data().equals("{\"slideshowInterval\":7000}")));
            assertTrue(polls.get(0).get("active").asBoolean(), "active from the first poll: " + polls);
            assertTrue(polls.get(0).get("total").asInt() >= 2, polls.get(0).toString());
            String name = Http.JSON.readTree(send("GET", "/api/images", null, null, null).body()).get(0).asText();
            int[] size = Photos.webpSize(Http.get(system.url("display-service") + "/images/" + name));
            assertTrue(size[0] <= 640 && size[1] <= 640, "reprocessed into the new box: " + size[0] + "x" + size[1]);
        }
        assertEquals(200, send("POST", "/api/admin/reprocess", null, null, admin()).statusCode());
        assertEquals(409, send("POST", "/api/admin/reprocess", null, null, admin()).statusCode());
    }

    /**
     * Past the contract's checks (count, size, extension, type: all or nothing), the real ingest looks
     * inside each file. A file it refuses is named in {@code refused} with its reason and is not in
     * {@code uploaded}; the real photo of the same request is kept and shown.
     */
    @Test
    void anUploadKeepsItsPhotosAndNamesTheFileIngestRefusesForItsContent() throws Exception {
        Path good = Photos.iphonePortrait(photos, "kept.jpg", 45);
        Path fake = photos.resolve("fake.jpg");
        Files.writeString(fake, "a text file with a photo's name, not a photo");
        HttpResponse<String> mixed = uploadImages(good, fake);
        assertEquals(200, mixed.statusCode(), mixed.body());
        JsonNode answer = Http.JSON.readTree(mixed.body());
        assertEquals(1, answer.get("uploaded").size(), mixed.body());
        assertEquals("kept.jpg", answer.get("uploaded").get(0).get("original").asText());
        assertEquals(1, answer.get("refused").size(), mixed.body());
        assertEquals("fake.jpg", answer.get("refused").get(0).get("original").asText());
        String reason = answer.get("refused").get(0).get("error").asText();
        assertFalse(reason.isBlank(), mixed.body());
        assertEquals("1 file(s) uploaded. Processing will begin shortly. 1 file(s) not kept: fake.jpg (" + reason + ").",
                answer.get("message").asText());

        HttpResponse<String> alone = uploadImages(fake);
        assertEquals(400, alone.statusCode(), alone.body());
        JsonNode refused = Http.JSON.readTree(alone.body());
        assertEquals(reason, refused.get("error").asText());
        assertFalse(refused.has("success"), alone.body());

        await().atMost(PIPELINE).until(() -> send("GET", "/api/images", null, null, null).body()
                .matches("(?s).*\"kept-[0-9a-f]{12}\\.webp\".*"));
    }

    /**
     * The "Done when", on the real services: in headless Chromium, the admin page (reached at
     * {@code /admin}, signed in with its form) saves a new display box; the ledger's job re-renders
     * every photo with the real preprocessor, the page's progress bar rises from its first poll to the
     * real end, and every served image then fits the new box.
     */
    @Test
    void aBoxChangeSavedInTheAdminPageReprocessesEveryPhotoWhileItsBarRisesToTheEnd() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        // Photos of our own, enough that the run outlasts several of the page's 1 s polls: with 4 the
        // warm pipeline re-rendered them all within two polls, and the bar went 0, 0, 100.
        int count = 12;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            files.add(Photos.iphonePortrait(photos, "bar-" + i + ".jpg", 60 + i));
        }
        for (List<Path> batch : List.of(files.subList(0, count / 2), files.subList(count / 2, count))) { // at most 10 a request
            HttpResponse<String> uploaded = uploadImages(batch.toArray(Path[]::new));
            assertEquals(200, uploaded.statusCode(), uploaded.body());
        }
        await().atMost(PIPELINE).until(() -> {
            String listed = send("GET", "/api/images", null, null, null).body();
            return java.util.stream.IntStream.range(0, count).allMatch(i -> listed.matches("(?s).*\"bar-" + i + "-[0-9a-f]{12}\\.webp\".*"));
        });
        // Another test's run (the trigger's 409 check) must be over: the bar is to show this run.
        await().atMost(PIPELINE).until(() -> !Http.JSON.readTree(send("GET", "/api/admin/reprocess-status", null, null, admin())
                .body()).get("active").asBoolean());
        JsonNode config = Http.JSON.readTree(send("GET", "/api/admin/config", null, null, admin()).body());
        int box = config.get("preprocessing").get("targetWidth").asInt() == 720 ? 800 : 720;

        String display = system.url("display-service");
        try (Chromium admin = Chromium.start("1280", "2400")) {
            // /admin → /admin.html, which asks for the token on its first refused call.
            admin.open(display + "/admin");
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> admin.eval(
                    "location.pathname + ' ' + !!document.getElementById('admin-token')").asText(), "/admin.html true"::equals);
            admin.eval("document.getElementById('admin-token').value = '" + CREDENTIALS.admin() + "';"
                    + " document.querySelector('#token-form button[type=submit]').click(); true");
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> admin.eval(
                    "document.getElementById('r-display-width').value").asText(),
                    String.valueOf(config.get("preprocessing").get("targetWidth").asInt())::equals);
            admin.eval("window.seen = []; window.texts = []; var bar = document.getElementById('reprocess-bar');"
                    + " new MutationObserver(function (changes) { changes.forEach(function (c) {"
                    + " if (c.attributeName === 'aria-valuenow') { window.seen.push(bar.getAttribute('aria-valuenow')); }"
                    + " if (c.attributeName === 'aria-valuetext') { window.texts.push(bar.getAttribute('aria-valuetext')); } }); })"
                    + ".observe(bar, {attributes: true}); true");
            admin.eval("document.getElementById('r-display-width').value = '" + box + "';"
                    + " document.getElementById('r-display-height').value = '" + box + "';"
                    + " document.querySelector('#settings-form button[type=submit]').click(); true");
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500)).until(() -> admin.eval(
                    "document.getElementById('reprocess-message').textContent").asText(), "Finished."::equals);

            assertTrue(admin.eval("document.getElementById('settings-message').textContent").asText()
                    .startsWith("Saved. The sizes changed"), "the page said the box change reprocesses");
            List<Integer> seen = new ArrayList<>();
            for (JsonNode value : Http.JSON.readTree(admin.eval("JSON.stringify(window.seen)").asText())) {
                seen.add(Integer.parseInt(value.asText()));
            }
            String texts = admin.eval("JSON.stringify(window.texts)").asText();
            String counts = admin.eval("document.getElementById('reprocess-counts').textContent").asText();
            System.out.printf("[compat] box %d: bar %s, %s, %s%n", box, seen, texts, counts);
            // First poll: the run is already active (B3), so the bar starts below the end ...
            assertTrue(seen.size() >= 3, "the first poll, at least one step and the end: " + seen);
            assertTrue(seen.get(0) < 100, "the first poll found the run active: " + seen);
            // ... rises, never back, through at least one step between the first poll and the end ...
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i) >= seen.get(i - 1), "the bar never goes back: " + seen);
            }
            assertTrue(seen.stream().anyMatch(v -> v > seen.get(0) && v < 100), "the bar moved between the first poll and the end: " + seen);
            // ... and ends at 100 when the ledger's job really ended, with every photo done.
            assertEquals(100, seen.get(seen.size() - 1), seen.toString());
            List<String> names = new ArrayList<>();
            Http.JSON.readTree(send("GET", "/api/images", null, null, null).body()).forEach(n -> names.add(n.asText()));
            assertEquals(names.size() + " of " + names.size() + " photos done, 0 failed.", counts);
            assertTrue(Http.JSON.readTree(texts).get(0).asText().endsWith(" of " + names.size() + " photos"), texts);

            // Every served image is the new rendition: a portrait 4032×3024 fitted into box × box.
            for (String name : names) {
                int[] size = Photos.webpSize(Http.get(display + "/images/" + name));
                assertEquals(box, size[1], name + " is " + size[0] + "x" + size[1] + " for a " + box + " box");
                assertTrue(Math.abs(size[0] - box * 3 / 4) <= 1, name + " is " + size[0] + "x" + size[1] + " for a " + box + " box");
            }
        }
    }

    private static String admin() {
        return "Bearer " + CREDENTIALS.admin();
    }

    private static HttpResponse<String> uploadImages(Path... files) throws Exception {
        String boundary = "compat-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Path file : files) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"images\"; filename=\"" + file.getFileName()
                    + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(file));
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return CLIENT.send(HttpRequest.newBuilder(URI.create(system.url("display-service") + "/api/admin/upload"))
                .timeout(Duration.ofSeconds(180)).header("Authorization", admin())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.url("display-service") + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
