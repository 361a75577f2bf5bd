package io.imgboard.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.Ports;
import io.imgboard.infra.testing.LocalInfraResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No success without the broker's acknowledgement: the packaged service with the real S3 server
 * but a Kafka address where nothing listens answers 503, not 201, and says so for every file; its
 * start-up warm-up fails on the broker too, and that is a warning, not a failed start.
 * (A test profile in the
 * {@code @QuarkusTest}s would start a second set of servers: each Quarkus class loader gets its own
 * LocalInfraResource.)
 */
class KafkaUnreachableIT {
    private static final String TOKEN = "it-upload-token-0123456789";
    private static final String KAFKA_UNAVAILABLE = "could not announce the file: Kafka unavailable, retry later";

    @Test
    void uploadIsNotAcceptedWhenKafkaDoesNotAcknowledge(@TempDir Path dir) throws Exception {
        byte[] lost = TestImages.jpeg(100);
        byte[] alsoLost = TestImages.jpeg(101);
        Endpoints real = LocalInfraResource.shared().endpoints().withDatabase("ingest");
        int deadPort = Ports.free();
        Map<String, String> env = Map.of(
                "IMGBOARD_UPLOAD_TOKEN", TOKEN,
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort,
                "IMGBOARD_S3_ENDPOINT", real.s3Endpoint(),
                "IMGBOARD_S3_ACCESS_KEY", real.s3AccessKey(),
                "IMGBOARD_S3_SECRET_KEY", real.s3SecretKey(),
                "QUARKUS_DATASOURCE_JDBC_URL", real.jdbcUrl(),
                "QUARKUS_DATASOURCE_USERNAME", real.dbUser(),
                "QUARKUS_DATASOURCE_PASSWORD", real.dbPassword());
        String channel = "mp.messaging.outgoing.files-out.";
        Map<String, String> shortTimeouts = Map.of(channel + "max.block.ms", "1500",
                channel + "request.timeout.ms", "1500", channel + "delivery.timeout.ms", "3000");

        try (PackagedService service = PackagedService.start(dir, env, shortTimeouts)) {
            int port = service.awaitListening();
            String boundary = "it-" + UUID.randomUUID();
            byte[] body = Multipart.files(boundary, new Multipart.Part("lost.jpg", lost),
                    new Multipart.Part("also-lost.jpg", alsoLost));
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/uploads"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(503, response.statusCode(), response.body());
            JsonNode answer = new ObjectMapper().readTree(response.body());
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
    }
}
