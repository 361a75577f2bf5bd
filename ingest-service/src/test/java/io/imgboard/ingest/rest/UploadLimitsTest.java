package io.imgboard.ingest.rest;

import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.infra.testing.RawHttp;
import io.imgboard.ingest.FilesTopic;
import io.imgboard.ingest.Multipart;
import io.imgboard.ingest.TestImages;
import io.imgboard.ingest.service.Rejections;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits on what uploads may hold at once, each set low here. A spool folder with a size of its own
 * ({@code imgboard.upload.spool-size}, as for a Kubernetes {@code emptyDir} with a {@code sizeLimit}, whose
 * pod is evicted when it goes over): a body that would take the folder past it is answered 507 before it
 * is read, counting what the folder already holds (here a Nextcloud upload's chunks waiting for their
 * MOVE), and taken again once that is gone. The bodies all clients together may be sending
 * ({@code imgboard.upload.max-in-flight}). How long a body may go silent ({@code quarkus.http.read-timeout}).
 * The files one multipart upload may hold ({@code imgboard.upload.max-files}), and the parts its parser reads.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
@TestProfile(UploadLimitsTest.Limits.class)
class UploadLimitsTest {
    private static final int MIB = 1024 * 1024;

    /** Bodies all clients together may be sending at once (one client may send 16); more than the silent test's three. */
    private static final int IN_FLIGHT = 4;

    /** Files one multipart upload may hold; its parser then reads at most 2 × 3 + 1 = 7 parts. */
    private static final int MAX_FILES = 3;

    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imgboard.upload.spool-size", "5M", "imgboard.upload.max-in-flight", Integer.toString(IN_FLIGHT),
                    "quarkus.http.read-timeout", "4s", "imgboard.upload.max-files", Integer.toString(MAX_FILES));
        }
    }

    private static FilesTopic topic;

    @BeforeAll
    static void connect() {
        topic = new FilesTopic();
    }

    @AfterAll
    static void disconnect() {
        topic.close();
    }

    @ConfigProperty(name = "imgboard.upload.token")
    String token;
    @ConfigProperty(name = "imgboard.admin.token")
    String adminToken;
    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    String uploadsDirectory;
    @ConfigProperty(name = "quarkus.http.limits.max-parameters")
    int maxParts;
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
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (java.net.Socket slow = new java.net.Socket(base.getHost(), base.getPort())) {
            java.io.OutputStream out = slow.getOutputStream();
            String auth = java.util.Base64.getEncoder().encodeToString(("spool:" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.write(("PUT /dav/slow.mov HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Basic " + auth
                    + "\r\nContent-Length: " + video.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(video, 0, MIB);
            out.flush();
            // kept arriving a byte at a time, so that the read timeout does not end it first
            trickle.scheduleAtFixedRate(() -> oneMoreByte(slow), 500, 500, TimeUnit.MILLISECONDS);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> spooled() >= MIB / 2);
            phone().body(video).put("/dav/clip.mov").then().statusCode(507)
                    .body("error", containsString("the upload spool is full"));
        } finally {
            trickle.shutdownNow();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> spooled() == 0);

        phone().body(video).put("/dav/clip.mov").then().statusCode(201);
        assertArrayEquals(video, phone().get("/dav/clip.mov").then().statusCode(200).extract().asByteArray());
        byte[] assembled = new byte[2 * MIB];
        System.arraycopy(chunk, 0, assembled, 0, chunk.length);
        System.arraycopy(chunk, 0, assembled, chunk.length, chunk.length);
        assertArrayEquals(assembled, phone().get("/dav/assembled.mov").then().statusCode(200).extract().asByteArray());
    }

    /**
     * Past the bodies all clients together may be sending, the next is told to wait (429 with a
     * Retry-After), whichever client sends it; once one has ended, it is taken. The bodies in flight are
     * kept arriving a byte at a time, so the read timeout does not end them first.
     */
    @Test
    void pastTheBodiesAllClientsMaySendAtOnceTheNextIsToldToWait() throws Exception {
        byte[] clip = bytes(64 * 1024, 5);
        RequestSpecification admin = given().auth().preemptive().basic("operator", adminToken);
        List<java.net.Socket> arriving = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < IN_FLIGHT; i++) {
                arriving.add(started("PUT /dav/in-flight-" + i + ".mov", 1_000_000));
            }
            trickle.scheduleAtFixedRate(() -> arriving.forEach(UploadLimitsTest::oneMoreByte), 500, 500, TimeUnit.MILLISECONDS);
            Response refused = await().atMost(Duration.ofSeconds(20)).until(() -> admin.body(clip).put("/dav/one-more.mov"),
                    r -> r.statusCode() == 429);
            refused.then().header("Retry-After", "5")
                    .body("error", containsString("too many uploads at once: " + IN_FLIGHT + " are still arriving"));
        } finally {
            trickle.shutdownNow();
            for (java.net.Socket s : arriving) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> admin.body(clip).put("/dav/one-more.mov")
                .then().statusCode(anyOf(equalTo(201), equalTo(204))));
        assertArrayEquals(clip, phone().get("/dav/one-more.mov").then().statusCode(200).extract().asByteArray());
    }

    /**
     * A phone carried out of the Wi-Fi's reach mid-upload leaves its connection open and silent: once no
     * byte came for the read timeout, the body is given up and its connection closed (RESTEasy closes it
     * before any answer could be written, as nginx does), nothing of it is kept, and the operator finds
     * the file among the refused uploads with what happened.
     */
    @Test
    void aBodyThatGoesSilentIsGivenUpAfterTheReadTimeoutAndNothingIsKept() throws Exception {
        Set<Path> before = SpoolFolder.files(uploadsDirectory);
        // The three ways a photo's body comes, silent at once (one read timeout for all).
        Map<String, java.util.concurrent.CompletableFuture<Long>> silent = new java.util.LinkedHashMap<>();
        for (String way : List.of("dav", "put", "multipart")) {
            String name = "silent-" + way + "-" + UUID.randomUUID() + ".jpg";
            silent.put(way.equals("multipart") ? Rejections.REQUEST : name,
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> silentBody(way, name)));
        }
        for (Map.Entry<String, java.util.concurrent.CompletableFuture<Long>> body : silent.entrySet()) {
            long seconds = body.getValue().get(60, TimeUnit.SECONDS);
            assertTrue(seconds >= 3 && seconds < 30, body.getKey() + " given up after " + seconds + " s, the read timeout is 4 s");
        }
        SpoolFolder.awaitNothingLeftSince(uploadsDirectory, before, Duration.ofSeconds(10));
        List<Map<String, Object>> rejections = given().header("Authorization", "Bearer " + adminToken)
                .get("/api/v1/uploads/rejections").then().statusCode(200).extract().jsonPath().getList("$");
        for (String listedAs : silent.keySet()) {
            assertTrue(rejections.stream().anyMatch(r -> listedAs.equals(r.get("name")) && String.valueOf(r.get("reason"))
                            .contains("upload interrupted: the client stopped sending before the whole body arrived; nothing was kept")),
                    "no interrupted upload of " + listedAs + " in " + rejections);
            if (!listedAs.equals(Rejections.REQUEST)) {
                phone().get("/dav/" + listedAs).then().statusCode(404);
            }
        }
    }

    /**
     * One upload of more files than {@code imgboard.upload.max-files} (the tester's: one photo under many
     * names, which gave it an origin and an event per name) is refused as a whole with the reason, before
     * the first file is stored: nothing announced, nothing left in the spool, the refusal listed. As many
     * files as the limit, each with its path, go through.
     */
    @Test
    void anUploadOfMoreFilesThanTheLimitIsRefusedWholeAndNothingIsKept() throws IOException {
        byte[] jpeg = TestImages.jpeg(61_001);
        RequestSpecification upload = given().header("Authorization", "Bearer " + token).multiPart("source", "many-files");
        for (int i = 0; i < MAX_FILES; i++) {
            upload.multiPart("file", "IMG_" + i + ".JPG", jpeg, "image/jpeg").multiPart("path", "many/IMG_" + i + ".JPG");
        }
        upload.post("/api/v1/uploads").then().statusCode(201).body("files.status", everyItem(anyOf(equalTo("created"),
                equalTo("duplicate"))));
        assertEquals(MAX_FILES, await().atMost(Duration.ofSeconds(20)).until(
                () -> topic.allArrivalsNowOf(TestImages.sha256(jpeg)), a -> a.size() == MAX_FILES).size());

        Set<Path> before = SpoolFolder.files(uploadsDirectory);
        byte[] other = TestImages.jpeg(61_002);
        RequestSpecification tooMany = given().header("Authorization", "Bearer " + token);
        for (int i = 0; i <= MAX_FILES; i++) {
            tooMany.multiPart("file", "copy-" + i + ".jpg", other, "image/jpeg");
        }
        String reason = "too many files in one upload: " + (MAX_FILES + 1) + " sent, at most " + MAX_FILES
                + " per request (imgboard.upload.max-files); send them in several requests; nothing was kept";
        tooMany.post("/api/v1/uploads").then().statusCode(400).contentType("application/json")
                .body("status", equalTo(400)).body("error", equalTo(reason));

        assertEquals(List.of(), topic.allArrivalsNowOf(TestImages.sha256(other)), "no file of the refused upload is announced");
        SpoolFolder.awaitNothingLeftSince(uploadsDirectory, before, Duration.ofSeconds(10));
        given().header("Authorization", "Bearer " + adminToken).get("/api/v1/uploads/rejections").then().statusCode(200)
                .body("find { it.reason == '" + reason + "' }.name", equalTo(Rejections.REQUEST))
                .body("find { it.reason == '" + reason + "' }.status", equalTo(400));
    }

    /**
     * A body of far more parts than an upload may hold: the multipart parser stops spooling at the first part
     * past its limit (2 × {@code imgboard.upload.max-files} + 1); the rest of the body is read and dropped, never
     * written to the spool, and the answer is the upload's own reason, listed among the refused uploads.
     * Nothing is announced or left in the spool.
     */
    @Test
    void aBodyOfFarMorePartsIsNotSpooledPastThePartLimit() throws IOException {
        byte[] jpeg = TestImages.jpeg(61_003);
        String boundary = "parts-" + UUID.randomUUID();
        Multipart.Part[] parts = new Multipart.Part[1000];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new Multipart.Part("part-" + i + ".jpg", jpeg);
        }
        byte[] body = Multipart.files(boundary, parts);
        Set<Path> before = SpoolFolder.files(uploadsDirectory);
        // the spool files this body has made, counted over and over while it is sent and answered: spooled
        // parts stay until the answer has been sent
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Integer> mostSpooled = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            int most = 0;
            while (!answered.get()) {
                try {
                    Set<Path> made = new java.util.HashSet<>(SpoolFolder.files(uploadsDirectory));
                    made.removeAll(before);
                    most = Math.max(most, made.size());
                } catch (IOException | java.io.UncheckedIOException e) {
                    // a file deleted while the folder was walked: count again
                }
            }
            return most;
        });
        String answer;
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            answered.set(true);
        }
        String reason = "too many files in one upload: more than " + maxParts + " parts sent (a file and its path each, "
                + "and the source), at most " + MAX_FILES + " per request (imgboard.upload.max-files); "
                + "send them in several requests; nothing was kept";
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        int spooled = mostSpooled.join();
        assertTrue(spooled > 0, "the test watches the spool folder the parts go to");
        assertTrue(spooled <= 2 * MAX_FILES + 2, spooled + " parts of the body spooled at once; at most "
                + (2 * MAX_FILES + 2) + " should be: the parser's limit and the part past it");
        assertEquals(2 * MAX_FILES + 1, maxParts, "the parser's part limit follows imgboard.upload.max-files");
        assertTrue(answer.endsWith("{\"error\":\"" + reason + "\",\"status\":400}"), answer);

        assertEquals(List.of(), topic.allArrivalsNowOf(TestImages.sha256(jpeg)), "no part of the refused body is announced");
        SpoolFolder.awaitNothingLeftSince(uploadsDirectory, before, Duration.ofSeconds(10));
        given().header("Authorization", "Bearer " + adminToken).get("/api/v1/uploads/rejections").then().statusCode(200)
                .body("find { it.reason == '" + reason + "' }.name", equalTo(Rejections.REQUEST))
                .body("find { it.reason == '" + reason + "' }.status", equalTo(400));
    }

    /**
     * Sends a request declaring a 1,000,000-byte body {@code way} (WebDAV PUT, the upload API's PUT, a
     * multipart POST), its first bytes only, then waits for the server; the seconds until it gave up.
     */
    private long silentBody(String way, String name) {
        String boundary = "silent-" + UUID.randomUUID();
        String requestLine = switch (way) {
            case "dav" -> "PUT /dav/" + name;
            case "put" -> "PUT /api/v1/uploads/" + name;
            default -> "POST /api/v1/uploads";
        };
        String authorization = way.equals("dav")
                ? "Basic " + Base64.getEncoder().encodeToString(("spool:" + token).getBytes(StandardCharsets.UTF_8))
                : "Bearer " + token;
        List<String> headers = new ArrayList<>(List.of("Authorization: " + authorization, "Content-Length: 1000000"));
        byte[] jpegStart = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
        byte[] sent = jpegStart;
        if (way.equals("multipart")) {
            headers.add("Content-Type: multipart/form-data; boundary=" + boundary);
            byte[] head = Multipart.partHead(boundary, name);
            sent = java.util.Arrays.copyOf(head, head.length + jpegStart.length);
            System.arraycopy(jpegStart, 0, sent, head.length, jpegStart.length);
        }
        long start = System.nanoTime();
        try {
            RawHttp.Raw answer = RawHttp.send(base.getHost(), base.getPort(), requestLine + " HTTP/1.1", headers, sent);
            assertTrue(answer.status() == -1 || answer.status() == 408, way + ": closed, or at most a 408: " + answer.head());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Duration.ofNanos(System.nanoTime() - start).toSeconds();
    }

    /** A WebDAV request declaring a body of {@code declared} bytes, of which only the first few are sent. */
    private java.net.Socket started(String requestLine, int declared) throws IOException {
        String auth = Base64.getEncoder().encodeToString(("spool:" + token).getBytes(StandardCharsets.UTF_8));
        return RawHttp.stalled(base.getHost(), base.getPort(), requestLine + " HTTP/1.1\r\nHost: " + base.getHost()
                + "\r\nAuthorization: Basic " + auth + "\r\nContent-Length: " + declared + "\r\n\r\n");
    }

    private static void oneMoreByte(java.net.Socket socket) {
        try {
            socket.getOutputStream().write(0);
            socket.getOutputStream().flush();
        } catch (IOException closed) {
            // ended by the test
        }
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
