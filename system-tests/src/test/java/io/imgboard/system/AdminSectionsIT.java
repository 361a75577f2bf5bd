package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.LocalSystem;
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

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
