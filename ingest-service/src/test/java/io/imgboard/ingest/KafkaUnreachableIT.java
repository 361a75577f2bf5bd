package io.imgboard.ingest;

import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
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
 * but a Kafka address where nothing listens answers 503, not 201. (A test profile in the
 * {@code @QuarkusTest}s would start a second set of servers: each Quarkus class loader gets its own
 * LocalInfraResource.)
 */
class KafkaUnreachableIT {
    private static final String TOKEN = "it-upload-token-0123456789";

    @Test
    void uploadIsNotAcceptedWhenKafkaDoesNotAcknowledge(@TempDir Path dir) throws Exception {
        Endpoints real = LocalInfraResource.shared().endpoints();
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Map<String, String> env = Map.of(
                "IMGBOARD_UPLOAD_TOKEN", TOKEN,
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort,
                "IMGBOARD_S3_ENDPOINT", real.s3Endpoint(),
                "IMGBOARD_S3_ACCESS_KEY", real.s3AccessKey(),
                "IMGBOARD_S3_SECRET_KEY", real.s3SecretKey());
        String channel = "mp.messaging.outgoing.files-out.";
        Map<String, String> shortTimeouts = Map.of(channel + "max.block.ms", "1500",
                channel + "request.timeout.ms", "1500", channel + "delivery.timeout.ms", "3000");

        try (PackagedService service = PackagedService.start(dir, env, shortTimeouts)) {
            int port = service.awaitListening();
            String boundary = "it-" + UUID.randomUUID();
            byte[] body = Multipart.oneFile(boundary, "lost.jpg", TestImages.jpeg(100));
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/uploads"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(503, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"status\":503"), response.body());
            assertTrue(response.body().contains("event broker unavailable"), response.body());
            assertTrue(service.output().contains("Kafka did not acknowledge the event for upload:api:"
                    + TestImages.sha256(TestImages.jpeg(100)).substring(0, 12) + "/lost.jpg"), service.output());
        }
    }
}
