package io.imgboard.ingest.rest;

import io.imgboard.ingest.Multipart;
import io.imgboard.ingest.TestImages;
import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A phone that loses its network halfway through an upload: nobody is left to answer, nothing may be
 * kept, and the operator sees in the refused uploads that it happened and to which file, instead of an
 * ERROR with a stack trace in the log for something the client did. Each request goes out over a raw
 * socket that is closed while the server is still reading the body.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
class InterruptedUploadTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String INTERRUPTED = "the client closed the connection before the whole body arrived";

    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    String uploadsDirectory;
    @ConfigProperty(name = "imgboard.upload.token")
    String token;
    @ConfigProperty(name = "imgboard.admin.token")
    String adminToken;

    /**
     * A client that hangs up while the server is writing sees Vert.x's HttpClosedException or, about one time in
     * five with a half-closed socket, the channel's ClosedChannelException: both are the client's doing (400
     * interrupted), neither an internal error.
     */
    @Test
    void eitherWayAClosedConnectionIsTheClientsDoing() {
        assertTrue(ErrorMappers.clientClosed(new io.vertx.core.http.HttpClosedException("closed")));
        assertTrue(ErrorMappers.clientClosed(new java.io.UncheckedIOException(new IOException(
                new java.nio.channels.ClosedChannelException()))));
        assertFalse(ErrorMappers.clientClosed(new IOException("disk full")));
    }

    @Test
    void aPutCutOffMidBodyIsListedAsInterruptedAndLeavesNothing() throws Exception {
        String name = "cut-off-" + UUID.randomUUID() + ".jpg";
        cutOff("PUT /api/v1/uploads/" + name, "Bearer " + token, null, TestImages.jpeg(71), new byte[0]);
        awaitRejection(name);
    }

    @Test
    void aWebDavPutCutOffMidBodyIsListedAsInterruptedAndLeavesNothing() throws Exception {
        String name = "cut-off-dav-" + UUID.randomUUID() + ".jpg";
        String basic = "Basic " + Base64.getEncoder().encodeToString(("anna:" + token).getBytes(StandardCharsets.UTF_8));
        cutOff("PUT /dav/" + name, basic, null, TestImages.jpeg(72), new byte[0]);
        awaitRejection(name);
        // The client sends it again, whole (as rclone retries): the file is not missing, so it leaves the list.
        given().header("Authorization", basic).body(TestImages.jpeg(72)).put("/dav/" + name).then().statusCode(201);
        List<Map<String, Object>> rejections = given().header("Authorization", "Bearer " + adminToken)
                .get("/api/v1/uploads/rejections").then().statusCode(200).extract().jsonPath().getList("$");
        assertTrue(rejections.stream().noneMatch(r -> name.equals(r.get("name"))),
                "an interrupted upload sent again whole is still listed: " + rejections);
    }

    @Test
    void aMultipartUploadCutOffMidBodyIsListedAsInterruptedAndLeavesNothing() throws Exception {
        String boundary = "cut-" + UUID.randomUUID();
        cutOff("POST /api/v1/uploads", "Bearer " + token, "multipart/form-data; boundary=" + boundary,
                Multipart.partHead(boundary, "cut-off-part.jpg"), TestImages.jpeg(73));
        awaitRejection("(request)");
    }

    /**
     * Declares a body longer than what it sends, sends {@code head} and {@code more}, waits until the
     * server spools it, then closes the connection; afterwards the spool folder must be as before.
     */
    private void cutOff(String requestLine, String authorization, String contentType, byte[] head, byte[] more)
            throws Exception {
        Set<Path> before = spooled();
        try (Socket socket = new Socket(URI.create(RestAssured.baseURI).getHost(), RestAssured.port)) {
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + authorization
                    + (contentType == null ? "" : "\r\nContent-Type: " + contentType)
                    + "\r\nContent-Length: " + (head.length + more.length + 100_000)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            out.write(more);
            out.flush();
            await().atMost(WAIT).untilAsserted(() -> assertFalse(before.containsAll(spooled()),
                    "the body in flight is not spooled in " + spoolDirectory()));
        }
        SpoolFolder.awaitNothingLeftSince(uploadsDirectory, before, WAIT);
    }

    private void awaitRejection(String name) {
        await().atMost(WAIT).untilAsserted(() -> {
            List<Map<String, Object>> rejections = given().header("Authorization", "Bearer " + adminToken)
                    .get("/api/v1/uploads/rejections").then().statusCode(200).extract().jsonPath().getList("$");
            assertTrue(rejections.stream().anyMatch(r -> name.equals(r.get("name"))
                            && String.valueOf(r.get("reason")).contains(INTERRUPTED)),
                    "no interrupted upload of " + name + " in " + rejections);
        });
    }

    private Path spoolDirectory() {
        return Path.of(uploadsDirectory).toAbsolutePath();
    }

    private Set<Path> spooled() throws IOException {
        return SpoolFolder.files(uploadsDirectory);
    }
}
