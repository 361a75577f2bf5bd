package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.Endpoints.Ports3;
import io.imgboard.infra.Layout;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.StateDir;
import io.imgboard.infra.testing.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * img-board's API on the whole system (IMG-BOARD-API.md): a photo uploaded through the display's
 * {@code /api/admin/upload} goes display → ingest (admin token) → ledger → preprocessor → catalog and
 * comes out as an img-board file name on {@code /api/images} and {@code /images/<name>}; with the
 * ledger's rendition and job routes, a box change through {@code /api/admin/config} reprocesses every
 * photo and {@code reprocess-status} is active from the trigger to the real end.
 */
class CompatIT {
    private static final Credentials CREDENTIALS = Credentials.random();
    private static final Duration PIPELINE = Duration.ofSeconds(120);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path home;
    /** JUnit deletes it after the class. */
    @TempDir
    static Path photos;
    private static LocalSystem system;

    @BeforeAll
    static void startEverything() throws Exception {
        home = Files.createTempDirectory("imgboard-compat-");
        system = LocalSystem.startThrowaway(Layout.find(), new StateDir(home), Ports3.free(), LocalSystem.freeServicePorts(),
                CREDENTIALS);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (system != null) {
            system.close();
        }
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
            int[] size = Photos.webpSize(Http.get(system.url("display-service") + "/images/" + name).body());
            assertTrue(size[0] <= 640 && size[1] <= 640, "reprocessed into the new box: " + size[0] + "x" + size[1]);
        }
        assertEquals(200, send("POST", "/api/admin/reprocess", null, null, admin()).statusCode());
        assertEquals(409, send("POST", "/api/admin/reprocess", null, null, admin()).statusCode());
    }

    private static String admin() {
        return "Bearer " + CREDENTIALS.admin();
    }

    private static HttpResponse<String> uploadImages(Path file) throws Exception {
        String boundary = "compat-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"images\"; filename=\"" + file.getFileName()
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(file));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return CLIENT.send(HttpRequest.newBuilder(URI.create(system.url("display-service") + "/api/admin/upload"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", admin())
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
