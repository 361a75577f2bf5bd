package io.imgboard.ingest.rest;

import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A spool folder with a size of its own ({@code imgboard.upload.spool-size}, as for a Kubernetes
 * {@code emptyDir} with a {@code sizeLimit}, whose pod is evicted when it goes over): a body that would
 * take the folder past it is answered 507 before it is read, counting what the folder already holds
 * (here a Nextcloud upload's chunks waiting for their MOVE), and taken again once that is gone.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
@TestProfile(SpoolSizeTest.Sized.class)
class SpoolSizeTest {
    private static final int MIB = 1024 * 1024;

    public static class Sized implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imgboard.upload.spool-size", "5M");
        }
    }

    @ConfigProperty(name = "imgboard.upload.token")
    String token;
    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    String uploadsDirectory;
    @TestHTTPResource("/")
    URI base;

    private RequestSpecification phone() {
        return given().auth().preemptive().basic("spool", token);
    }

    @Test
    void aBodyThatWouldTakeTheSpoolPastItsSizeIsRefusedUntilThereIsRoom() throws IOException {
        clearSpool(); // what an earlier run left (a test's own chunks) would count against the size
        byte[] chunk = bytes(MIB, 1);
        String upload = "/remote.php/dav/uploads/spool/sized-" + java.util.UUID.randomUUID();
        phone().request("MKCOL", upload).then().statusCode(201);
        phone().body(chunk).put(upload + "/0").then().statusCode(201);
        phone().body(chunk).put(upload + "/1").then().statusCode(201);
        assertEquals(2 * MIB, spooled(), "the chunks wait in the spool folder");

        byte[] video = bytes(3 * MIB + MIB / 2, 2);
        Response refused = phone().body(video).put("/dav/clip.mov");
        refused.then().statusCode(507).body("error", containsString("the upload spool is full (2 MiB of its 5 MiB in use, 3 MiB more asked)"));
        assertEquals(2 * MIB, spooled(), "a refused body spools nothing");

        byte[] small = bytes(MIB, 3);
        phone().body(small).put("/dav/small.mov").then().statusCode(201);
        // assembling needs room for the file beside its chunks: 2 + 2 MiB fit
        phone().header("Destination", base.resolve("/remote.php/dav/files/spool/assembled.mov").toString())
                .request("MOVE", upload + "/.file").then().statusCode(201);
        assertEquals(0, spooled(), "the chunks and the assembled file are gone once stored");

        // a body being received counts with what it declared: a second one that would not fit beside it waits
        try (java.net.Socket slow = new java.net.Socket(base.getHost(), base.getPort())) {
            java.io.OutputStream out = slow.getOutputStream();
            String auth = java.util.Base64.getEncoder().encodeToString(("spool:" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.write(("PUT /dav/slow.mov HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Basic " + auth
                    + "\r\nContent-Length: " + video.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(video, 0, MIB);
            out.flush();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> spooled() >= MIB / 2);
            phone().body(video).put("/dav/clip.mov").then().statusCode(507)
                    .body("error", containsString("the upload spool is full"));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> spooled() == 0);

        phone().body(video).put("/dav/clip.mov").then().statusCode(201);
        assertArrayEquals(video, phone().get("/dav/clip.mov").then().statusCode(200).extract().asByteArray());
        byte[] assembled = new byte[2 * MIB];
        System.arraycopy(chunk, 0, assembled, 0, chunk.length);
        System.arraycopy(chunk, 0, assembled, chunk.length, chunk.length);
        assertArrayEquals(assembled, phone().get("/dav/assembled.mov").then().statusCode(200).extract().asByteArray());
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void clearSpool() throws IOException {
        Path dir = Path.of(uploadsDirectory);
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private long spooled() throws IOException {
        Path dir = Path.of(uploadsDirectory);
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
