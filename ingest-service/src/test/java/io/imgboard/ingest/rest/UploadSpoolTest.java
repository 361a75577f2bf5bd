package io.imgboard.ingest.rest;

import io.imgboard.ingest.Multipart;
import io.imgboard.ingest.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every part Quarkus spools to {@code quarkus.http.body.uploads-directory} is deleted once the
 * request is answered, whatever the answer: an upload that leaves files behind fills the disk.
 * Each test looks for files its own request left (other tests' leftovers fail those tests), with
 * Awaitility because the files go only once the response has ended.
 */
@QuarkusTest
class UploadSpoolTest {
    private static final String UPLOADS = "/api/v1/uploads";
    private static final Duration CLEANUP = Duration.ofSeconds(10);

    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    String uploadsDirectory;

    @ConfigProperty(name = "imgboard.upload.token")
    String token;

    @Test
    void anAcceptedUploadIsSpooledThereAndLeavesNothingBehind() throws Exception {
        Set<Path> before = spooled();
        String boundary = "spool-" + UUID.randomUUID();
        byte[] head = Multipart.partHead(boundary, "spooled.jpg");
        byte[] jpeg = TestImages.jpeg(41);
        byte[] tail = concat("\r\n".getBytes(StandardCharsets.US_ASCII), Multipart.end(boundary));
        // a raw connection, so the test decides when each byte goes out
        try (Socket socket = new Socket(URI.create(RestAssured.baseURI).getHost(), RestAssured.port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + UPLOADS + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary
                    + "\r\nContent-Length: " + (head.length + jpeg.length + tail.length)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            out.write(jpeg);
            out.flush();
            // the part's bytes are in, the body is not finished: the part is being spooled, here
            await().atMost(CLEANUP).untilAsserted(() -> assertFalse(before.containsAll(spooled()),
                    "the part in flight is not in " + spoolDirectory() + ": the test watches the wrong folder"));

            out.write(tail);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 201"), response);
        }
        awaitNothingLeftSince(before);
    }

    @Test
    void aRefusedUploadLeavesNothingBehind() throws IOException {
        Set<Path> before = spooled();
        authorized().multiPart("file", "notes.jpg", "a shopping list\n".getBytes(), "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(415);
        awaitNothingLeftSince(before);
    }

    @Test
    void aDeclaredBodyOverTheLimitLeavesNothingBehind() throws Exception {
        Set<Path> before = spooled();
        String boundary = "spool-" + UUID.randomUUID();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + UPLOADS))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                Multipart.oneFile(boundary, "big.jpg", new byte[3 * 1024 * 1024])))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
        awaitNothingLeftSince(before);
    }

    @Test
    void aChunkedBodyCutOffAtTheLimitLeavesNothingBehind() throws IOException {
        Set<Path> before = spooled();
        // RestAssured sends multipart chunked: Quarkus spools until the 2M limit (%test), then cuts it off
        byte[] big = Arrays.copyOf(TestImages.jpeg(42), 3 * 1024 * 1024);
        authorized().multiPart("file", "big-chunked.jpg", big, "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(413);
        awaitNothingLeftSince(before);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private RequestSpecification authorized() {
        return given().header("Authorization", "Bearer " + token);
    }

    private void awaitNothingLeftSince(Set<Path> before) {
        SpoolFolder.awaitNothingLeftSince(uploadsDirectory, before, CLEANUP);
    }

    private Path spoolDirectory() {
        return Path.of(uploadsDirectory).toAbsolutePath();
    }

    private Set<Path> spooled() throws IOException {
        return SpoolFolder.files(uploadsDirectory);
    }
}
