package io.imgboard.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.infra.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No success without the broker's acknowledgement: the packaged service with the real S3 server
 * but a Kafka address where nothing listens answers 503, not 201, and says so for every file; its
 * start-up warm-up fails on the broker too, and that is a warning, not a failed start.
 * (A test profile in the
 * {@code @QuarkusTest}s would start a second set of servers: each Quarkus class loader gets its own
 * LocalInfraResource.) Both tests use one start of the service (the class took 48 s with a start
 * for each, 34 s with one).
 */
class KafkaUnreachableIT {
    private static final String TOKEN = "it-upload-token-0123456789";
    private static final String ADMIN_TOKEN = "it-admin-token-0123456789abcdef";
    private static final String KAFKA_UNAVAILABLE = "could not announce the file: Kafka unavailable, retry later";
    private static final String CHANNEL = "mp.messaging.outgoing.files-out.";
    private static final Map<String, String> SHORT_TIMEOUTS = Map.of(CHANNEL + "max.block.ms", "1500",
            CHANNEL + "request.timeout.ms", "1500", CHANNEL + "delivery.timeout.ms", "3000");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Path photos;
    private static PackagedService service;
    private static int port;

    @BeforeAll
    static void startWithoutABroker() throws Exception {
        photos = Files.createDirectories(dir.resolve("photos"));
        Files.write(photos.resolve("IMG_0001.jpg"), TestImages.jpeg(102));
        Map<String, String> env = PackagedService.env(TOKEN, "127.0.0.1:" + Ports.free());
        env.putAll(Map.of("IMGBOARD_ADMIN_TOKEN", ADMIN_TOKEN, "IMGBOARD_SOURCE_ROOTS", photos.toString()));
        service = PackagedService.start(dir, env, SHORT_TIMEOUTS);
        port = service.awaitListening();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void uploadIsNotAcceptedWhenKafkaDoesNotAcknowledge() throws Exception {
        byte[] lost = TestImages.jpeg(100);
        byte[] alsoLost = TestImages.jpeg(101);
        String boundary = "it-" + UUID.randomUUID();
        byte[] body = Multipart.files(boundary, new Multipart.Part("lost.jpg", lost),
                new Multipart.Part("also-lost.jpg", alsoLost));
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/uploads"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(503, response.statusCode(), response.body());
        JsonNode answer = JSON.readTree(response.body());
        assertEquals(503, answer.get("status").asInt(), response.body());
        assertEquals(KAFKA_UNAVAILABLE, answer.get("error").asText(), response.body());
        JsonNode files = answer.get("files");
        assertEquals(2, files.size(), response.body());
        for (int i = 0; i < 2; i++) {
            assertEquals("failed", files.get(i).get("status").asText(), response.body());
            assertEquals(KAFKA_UNAVAILABLE, files.get(i).get("error").asText(), response.body());
        }
        assertEquals("lost.jpg", files.get(0).get("name").asText());
        assertEquals(TestImages.sha256(lost), files.get(0).get("sha256").asText());
        assertEquals("also-lost.jpg", files.get(1).get("name").asText());
        assertEquals(TestImages.sha256(alsoLost), files.get(1).get("sha256").asText());
        assertTrue(service.output().contains("Kafka did not acknowledge the event for upload:api:"
                + TestImages.sha256(lost).substring(0, 12) + "/lost.jpg"), service.output());
        // The start-up warm-up could not reach the broker either: a warning, and the service started.
        assertTrue(service.output().contains("ingest warm-up: kafka failed"), service.output());
    }

    /** A folder source whose files Kafka did not take says it is retrying them, not that all is well. */
    @Test
    void aFolderSourceWhoseFilesWereNotAnnouncedSaysItIsRetrying() throws Exception {
        String sources = "http://127.0.0.1:" + port + "/api/v1/sources";
        HttpResponse<String> added = admin(HttpRequest.newBuilder(URI.create(sources))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"nas\",\"path\":\"" + photos
                        + "\",\"pollSeconds\":1,\"stableSeconds\":0}")));
        assertEquals(201, added.statusCode(), added.body());

        JsonNode source = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(
                () -> JSON.readTree(admin(HttpRequest.newBuilder(URI.create(sources + "/nas")).GET()).body()),
                s -> s.path("lastScan").path("failed").asInt() > 0);
        assertEquals("retrying", source.path("state").asText(), source.toString());
        assertTrue(source.path("errors").toString().contains("Kafka unavailable"), source.toString());
    }

    private static HttpResponse<String> admin(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
