package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.Topics;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.testing.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline as a person uses it: the four packaged services run as processes on a real
 * Kafka, PostgreSQL and S3 server; photos go in with an HTTP upload and come out on a frame's
 * Server-Sent Events stream as WebP renditions.
 */
@ExtendWith(SharedSystem.class)
class PipelineIT {
    /** Three distinct tokens, as ./imgboard up makes them: uploads use one, admin APIs another. */
    private static final Credentials CREDENTIALS = SharedSystem.CREDENTIALS;
    private static final String TOKEN = CREDENTIALS.upload();
    private static final String ADMIN = CREDENTIALS.admin();
    private static final Duration PIPELINE = Duration.ofSeconds(90);

    private static Path photos;
    private static LocalSystem system;

    @BeforeAll
    static void startEverything() throws Exception {
        photos = Files.createTempDirectory("imgboard-photos-");
        system = SharedSystem.system(); // shared with the other classes of this JVM: see SharedSystem
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (photos != null) {
            try (var paths = Files.walk(photos)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void anIphonePortraitAppearsOnTheFrameStreamUprightInEveryRendition() throws Exception {
        try (SseClient frame = openFrameStream()) {
            Path photo = Photos.iphonePortrait(photos, "IMG_0001.JPG", 1);

            Http.Response upload = Http.upload(ingest("/api/v1/uploads"), TOKEN, photo);
            assertEquals(201, upload.status(), upload.text());
            JsonNode file = upload.json().get("files").get(0);
            assertEquals("created", file.get("status").asText());
            assertEquals(sha256(photo), file.get("sha256").asText());

            JsonNode added = awaitAdd(frame, file.get("sha256").asText());
            String photoId = added.get("photoId").asText();
            // The URL carries a version (?v=…) so a reprocessed rendition never hides behind a cached one.
            assertTrue(added.get("url").asText().startsWith("/media/" + photoId + "/display.webp"), added.toString());

            // display: the frame's rendition, inside 1920×1080, portrait, red quarter at the top right.
            Http.Response display = Http.get(this.display(added.get("url").asText()));
            assertEquals(200, display.status());
            assertEquals("image/webp", display.header("Content-Type"));
            int[] size = Photos.webpSize(display.body());
            assertTrue(size[0] <= 1920 && size[1] <= 1080, "display is " + size[0] + "×" + size[1]);
            assertEquals(1080, size[1], "a portrait photo fills the height of the box");
            assertEquals(810, size[0], "3024×4032 upright scales to 810×1080");
            BufferedImage seen = Photos.decode(display.body(), photos);
            assertTrue(Photos.redness(seen, 0.55, 0.05, 0.95, 0.45) > 100, "the red quarter is not at the top right");
            assertTrue(Photos.redness(seen, 0.05, 0.05, 0.45, 0.45) < 50, "the top left is red: the photo is not upright");

            // Privacy: the camera's GPS position and make never reach a wall display.
            String metadata = Photos.exif(display.body(), photos);
            assertFalse(metadata.contains("GPS"), metadata);
            assertFalse(metadata.contains("iPhone"), metadata);

            // Strong ETag with long caching: a frame that has the image asks and gets 304.
            String etag = display.header("ETag");
            assertNotNull(etag);
            assertTrue(etag.startsWith("\""), "strong ETag expected: " + etag);
            assertEquals(304, Http.get(this.display(added.get("url").asText()), "If-None-Match", etag).status());

            // uhd and thumb come from the same decode and obey their boxes and the orientation too. The add
            // may carry only the early display rendition; the complete result follows as an update.
            await().atMost(PIPELINE).pollInterval(250, TimeUnit.MILLISECONDS).until(() -> java.util.stream.Stream.concat(
                    frame.events("add").stream(), frame.events("update").stream()).anyMatch(e -> e.data().contains(photoId)
                    && e.data().contains("/uhd.webp") && e.data().contains("/thumb.webp")));
            int[] uhd = Photos.webpSize(Http.get(this.display("/media/" + photoId + "/uhd.webp")));
            assertTrue(uhd[0] <= 3840 && uhd[1] <= 2160 && uhd[1] > uhd[0], "uhd is " + uhd[0] + "×" + uhd[1]);
            assertEquals(2160, uhd[1]);
            int[] thumb = Photos.webpSize(Http.get(this.display("/media/" + photoId + "/thumb.webp")));
            assertEquals(List.of(360, 480), List.of(thumb[0], thumb[1]));
        }
    }

    @Test
    void theSameBytesTwiceAreOnePhotoWithTwoOrigins() throws Exception {
        try (SseClient frame = openFrameStream()) {
            Path photo = Photos.iphonePortrait(photos, "beach.jpg", 2);
            Path copy = Files.copy(photo, photos.resolve("beach (1).jpg"));
            String sha = sha256(photo);

            assertEquals(201, Http.upload(ingest("/api/v1/uploads"), TOKEN, photo).status());
            String photoId = awaitAdd(frame, sha).get("photoId").asText();

            Http.Response again = Http.upload(ingest("/api/v1/uploads"), TOKEN, copy);
            assertEquals(201, again.status(), again.text());
            assertEquals("duplicate", again.json().get("files").get(0).get("status").asText());

            await().atMost(PIPELINE).untilAsserted(() -> {
                JsonNode known = Http.get(ledger("/api/v1/photos/by-sha256/" + sha)).json();
                assertEquals(photoId, known.get("photoId").asText());
                assertEquals(2, known.get("origins").size(), known.toString());
            });

            // A later photo goes through the same pipeline; by the time it is on the stream, a
            // second add for the duplicate would have been too.
            Path later = Photos.iphonePortrait(photos, "later.jpg", 3);
            assertEquals(201, Http.upload(ingest("/api/v1/uploads"), TOKEN, later).status());
            awaitAdd(frame, sha256(later));
            long adds = frame.events("add").stream().filter(e -> e.data().contains(photoId)).count();
            assertEquals(1, adds, "the duplicate upload published the photo again");
        }
    }

    @Test
    void aCorruptJpegIsRecordedWithAReasonAndThePipelineKeepsFlowing() throws Exception {
        try (SseClient frame = openFrameStream()) {
            Path good = Photos.iphonePortrait(photos, "whole.jpg", 4);
            Path broken = Photos.truncated(good, photos, "broken.jpg");
            String brokenSha = sha256(broken);

            Http.Response upload = Http.upload(ingest("/api/v1/uploads"), TOKEN, broken);
            assertEquals(201, upload.status(), "it starts like a JPEG, so it is stored: " + upload.text());

            await().atMost(PIPELINE).untilAsserted(() -> {
                JsonNode known = Http.get(ledger("/api/v1/photos/by-sha256/" + brokenSha)).json();
                assertEquals("FAILED", known.get("status").asText(), known.toString());
                assertFalse(known.get("failureReason").asText().isBlank());
            });
            // Operators see it where they look: the ledger's failures and the admin page's API.
            assertEquals(401, Http.get(display("/api/v1/admin/failures")).status(), "the admin API needs the token");
            JsonNode failures = Http.get(display("/api/v1/admin/failures"), "Authorization", "Bearer " + ADMIN).json();
            assertTrue(failures.toString().contains(brokenSha), failures.toString());
            assertTrue(failures.toString().contains("broken.jpg"), failures.toString());
            // Sent again, it is a duplicate that says why it is not on the frames, not just "already there".
            JsonNode again = Http.upload(ingest("/api/v1/uploads"), TOKEN, broken).json().get("files").get(0);
            assertEquals("duplicate", again.get("status").asText(), again.toString());
            assertTrue(again.path("photoFailure").asText().startsWith("corrupt or truncated JPEG"), again.toString());

            // The next good photo still arrives.
            assertEquals(201, Http.upload(ingest("/api/v1/uploads"), TOKEN, good).status());
            awaitAdd(frame, sha256(good));
            assertTrue(frame.events("add").stream().noneMatch(e -> e.data().contains(brokenSha)));
        }
    }

    @Test
    void uploadsNeedTheTokenAndMustBeImages() throws Exception {
        Path photo = Photos.iphonePortrait(photos, "secret.jpg", 5);
        assertEquals(401, Http.upload(ingest("/api/v1/uploads"), null, photo).status());
        assertEquals(401, Http.upload(ingest("/api/v1/uploads"), "wrong-token-wrong-token", photo).status());

        Path text = Files.writeString(photos.resolve("notes.jpg"), "this is a shopping list, not a photo\n");
        Http.Response refused = Http.upload(ingest("/api/v1/uploads"), TOKEN, text);
        assertEquals(415, refused.status(), refused.text());
        assertFalse(refused.json().get("files").get(0).get("error").asText().isBlank());

        // Operators see the refusal on the admin page: the display asks the real ingest for it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode rejections = Http.get(display("/api/v1/admin/rejections"), "Authorization", "Bearer " + ADMIN).json();
            assertTrue(rejections.get("configured").asBoolean(), rejections.toString());
            assertTrue(rejections.toString().contains("notes.jpg"), rejections.toString());
            assertTrue(rejections.toString().contains("not an image"), rejections.toString());
        });
    }

    @Test
    void everyServiceReportsReadyOnRealDependencies() throws Exception {
        for (String service : system.servicePorts().keySet()) {
            Http.Response ready = Http.get(system.url(service) + "/q/health/ready");
            assertEquals(200, ready.status(), service + ": " + ready.text());
            assertEquals("UP", ready.json().get("status").asText());
            assertTrue(ready.json().get("checks").size() > 0, service + " checks nothing: " + ready.text());
        }
    }

    private SseClient openFrameStream() {
        SseClient frame = new SseClient(URI.create(display("/api/v1/events")));
        await().atMost(Duration.ofSeconds(20)).until(() -> !frame.events("page").isEmpty());
        assertNotNull(frame.events("page").get(0).id(), "every event has an id");
        return frame;
    }

    /** Waits for the frame's {@code add} of the photo with these bytes (the ledger knows the id by checksum). */
    private JsonNode awaitAdd(SseClient frame, String sha) {
        String[] photoId = new String[1];
        await().atMost(PIPELINE).pollInterval(250, TimeUnit.MILLISECONDS).until(() -> {
            if (photoId[0] == null) {
                Http.Response known = Http.get(ledger("/api/v1/photos/by-sha256/" + sha));
                if (known.status() != 200) {
                    return false;
                }
                photoId[0] = known.json().get("photoId").asText();
            }
            return frame.events("add").stream().anyMatch(e -> e.data().contains(photoId[0]));
        });
        SseClient.Event add = frame.events("add").stream().filter(e -> e.data().contains(photoId[0])).findFirst().orElseThrow();
        assertNotNull(add.id(), "every event has an id");
        return readTree(add.data());
    }

    /**
     * OpenTelemetry through Kafka headers: the client's {@code traceparent} on the upload is the trace
     * of every record the photo causes — the file event, the ledger's request (through its outbox),
     * the preprocessor's result and the ledger's catalog record the display reads.
     */
    @Test
    void onePhotoIsOneTraceFromTheUploadThroughEveryTopic() throws Exception {
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random);
        String traceId = HexFormat.of().formatHex(random);
        Path photo = Photos.iphonePortrait(photos, "IMG_0077.JPG", 77);
        Http.Response upload = Http.upload(ingest("/api/v1/uploads"), TOKEN,
                Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"), photo);
        assertEquals(201, upload.status(), upload.text());
        String sha = sha256(photo);
        String photoId = await().atMost(PIPELINE).until(() -> {
            Http.Response known = Http.get(ledger("/api/v1/photos/by-sha256/" + sha));
            return known.status() == 200 ? known.json().get("photoId").asText() : null;
        }, id -> id != null);

        String header = "traceparent=00-" + traceId + "-";
        await().atMost(PIPELINE).until(() -> recordsWith(Topics.FILES, header).size() == 1);
        for (String topic : List.of(Topics.PROCESS_REQUESTS, Topics.PROCESSING_RESULTS, Topics.CATALOG)) {
            await().atMost(PIPELINE).until(() -> !recordsWith(topic, header).isEmpty());
            assertTrue(recordsWith(topic, header).stream().allMatch(line -> line.startsWith(photoId + "|")),
                    topic + ": only this photo's records are in its trace");
        }
    }

    /** {@code key|headers} of every record on {@code topic} whose headers contain {@code text}, read with kcat. */
    private static List<String> recordsWith(String topic, String text) throws Exception {
        Process kcat = new ProcessBuilder("kcat", "-C", "-b", system.endpoints().kafkaBootstrap(), "-t", topic,
                "-o", "beginning", "-e", "-q", "-f", "%k|%h\n").redirectErrorStream(true).start();
        String out = new String(kcat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(kcat.waitFor(60, TimeUnit.SECONDS), "kcat finished");
        assertEquals(0, kcat.exitValue(), out);
        return out.lines().filter(line -> line.contains(text)).toList();
    }

    private static JsonNode readTree(String json) {
        try {
            return Http.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(json, e);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String ingest(String path) {
        return system.url("ingest-service") + path;
    }

    private static String ledger(String path) {
        return system.url("ledger-service") + path;
    }

    private String display(String path) {
        return system.url("display-service") + path;
    }
}
