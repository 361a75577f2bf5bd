package io.imgboard.ingest.rest;

import io.imgboard.ingest.FilesTopic;
import io.imgboard.ingest.TestImages;
import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.imgboard.infra.testing.RawHttp;
import io.imgboard.infra.testing.RawHttp.Raw;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile request corpus of issue 12 against ingest's doors (REST upload, the phone PUT, WebDAV,
 * the operator APIs). Every row must get a 4xx (or, where the request is fine after all, a 2xx whose
 * stored name stays inside its tree) with a JSON error a person can read and no stack trace, and a
 * good photo uploaded right after must still be accepted: no worker is stuck, nothing is poisoned.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
class HostileRequestsTest {
    private static final AtomicLong SEED = new AtomicLong(93_000);
    private static FilesTopic events;

    @BeforeAll
    static void listen() {
        events = new FilesTopic();
    }

    @AfterAll
    static void stopListening() {
        events.close();
    }

    @ConfigProperty(name = "imgboard.upload.token")
    String token;
    @ConfigProperty(name = "imgboard.admin.token")
    String adminToken;

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("phone:" + token).getBytes(StandardCharsets.UTF_8));
    }

    /** The brief's last promise for every row: a good photo sent right after still gets in. */
    @AfterEach
    void aGoodPhotoStillArrives() {
        given().header("Authorization", "Bearer " + token)
                .multiPart("file", "after.jpg", TestImages.jpeg(SEED.incrementAndGet()), "image/jpeg")
                .post("/api/v1/uploads").then().statusCode(201).body("files[0].status", equalTo("created"));
    }

    private static void clearJsonRefusal(int status, String contentType, String body, String what) {
        assertTrue(status >= 400 && status < 500, what + ": " + status + " " + body);
        assertTrue(contentType != null && contentType.startsWith("application/json"), what + ": content type " + contentType + ", body " + body);
        // a sentence of some length, quotes inside it escaped
        assertTrue(body.matches("(?s).*\\{.*\"error\"\\s*:\\s*\"(?:[^\"\\\\]|\\\\.){8,}.*"), what + ": " + body);
        noStackTrace(body, what);
    }

    private static void noStackTrace(String body, String what) {
        assertFalse(body.matches("(?s).*(\\bat (java|io|org)\\.[\\w.$]+\\(|Exception:|\\.java:\\d+).*"), what + " leaks a stack trace: " + body);
    }

    // --- multipart names ---------------------------------------------------------------------------

    @ParameterizedTest(name = "multipart filename {0}")
    @ValueSource(strings = {"../../../../etc/passwd.jpg", "/etc/cron.d/evil.jpg", "..\\..\\windows\\evil.jpg",
            "C:\\Windows\\evil.jpg", "a\u0000b.jpg", "%2e%2e%2f%2e%2e%2fevil.jpg", "....//....//evil.jpg",
            "evil.jpg\u202Egpj.exe"})
    void aHostileMultipartFileNameStaysAName(String name) {
        Response r = given().header("Authorization", "Bearer " + token)
                .multiPart("file", name, TestImages.jpeg(SEED.incrementAndGet()), "image/jpeg")
                .post("/api/v1/uploads");
        if (r.statusCode() == 201) {
            String stored = r.path("files[0].name");
            assertEquals("created", r.path("files[0].status"), r.asString());
            assertFalse(stored.contains("/") || stored.contains("\\") || stored.contains("\u0000") || stored.equals(".."),
                    "the stored name leaves its folder: " + stored);
        } else {
            clearJsonRefusal(r.statusCode(), r.contentType(), r.asString(), name);
        }
    }

    @ParameterizedTest(name = "multipart path {0}")
    @ValueSource(strings = {"../../../../etc/passwd.jpg", "/etc/evil.jpg", "album/../../evil.jpg", "album/\u0000/evil.jpg",
            "C:\\evil.jpg"})
    void aHostileRelativePathIsRefusedOrKeptInside(String path) {
        Response r = given().header("Authorization", "Bearer " + token)
                .multiPart("file", "p.jpg", TestImages.jpeg(SEED.incrementAndGet()), "image/jpeg")
                .multiPart("path", path)
                .post("/api/v1/uploads");
        String body = r.asString();
        if (r.statusCode() == 201 && r.path("files[0].error") == null) {
            // the path the rest of the system is told (the ledger's origin) stays inside the source's tree
            String sha = r.path("files[0].sha256");
            String stored = await().atMost(Duration.ofSeconds(120)).until(() -> events.allArrivalsNowOf(sha),
                    arrivals -> !arrivals.isEmpty()).get(0).event().path();
            assertFalse(stored.startsWith("/") || stored.contains("..") || stored.contains("\u0000") || stored.contains("\\")
                    , "the announced path leaves its tree: " + stored);
        } else if (r.statusCode() == 201) {
            assertTrue(r.path("files[0].error").toString().length() > 8, body);
        } else {
            clearJsonRefusal(r.statusCode(), r.contentType(), body, path);
        }
    }

    @ParameterizedTest(name = "PUT /api/v1/uploads/{0}")
    @ValueSource(strings = {"..%2F..%2Fevil.jpg", "%2Fetc%2Fevil.jpg", "a%00b.jpg", "..", "%2e%2e"})
    void aHostilePhoneUploadNameIsRefusedOrKeptInside(String encoded) throws IOException {
        byte[] jpeg = TestImages.jpeg(SEED.incrementAndGet());
        Raw r = raw("PUT /api/v1/uploads/" + encoded + " HTTP/1.1", List.of("Authorization: Bearer " + token,
                "Content-Type: image/jpeg", "Content-Length: " + jpeg.length), jpeg);
        if (r.status() / 100 == 2) {
            assertFalse(r.body().matches("(?s).*\"name\"\\s*:\\s*\"[^\"]*(/|\\\\\\\\|\\.\\.)[^\"]*\".*"), r.body());
        } else {
            clearJsonRefusal(r.status(), r.contentType(), r.body(), encoded);
        }
    }

    // --- WebDAV paths and Destination headers ---------------------------------------------------------

    @ParameterizedTest(name = "WebDAV PUT {0}")
    @ValueSource(strings = {"/dav/../../etc/evil.jpg", "/dav/%2e%2e/%2e%2e/evil.jpg", "/dav/a%00b.jpg", "/dav/..%2f..%2fevil.jpg",
            "/dav/%2fetc%2fevil.jpg", "/remote.php/dav/files/anna/../../../evil.jpg", "/dav/a/..%5c..%5cevil.jpg"})
    void aHostileWebDavPathIsRefused(String target) throws IOException {
        byte[] jpeg = TestImages.jpeg(SEED.incrementAndGet());
        Raw r = raw("PUT " + target + " HTTP/1.1", List.of("Authorization: " + basic(), "Content-Length: " + jpeg.length), jpeg);
        if (r.status() / 100 == 2) {
            // taken as a plain (odd) name: it must have landed inside the WebDAV tree, under no parent reference
            Raw listing = raw("PROPFIND /dav/ HTTP/1.1", List.of("Authorization: " + basic(), "Depth: infinity"), new byte[0]);
            String hrefs = listing.body().toLowerCase(java.util.Locale.ROOT);
            assertFalse(hrefs.contains("/../") || hrefs.contains("%2e%2e/") || hrefs.contains("%00"), target + ": " + listing.body());
        } else {
            clearJsonRefusalOrPlain(r, target);
        }
    }

    @ParameterizedTest(name = "MOVE with Destination {0}")
    @ValueSource(strings = {"/dav/../../etc/x.jpg", "file:///etc/passwd",
            "/etc/passwd", "/dav/%2e%2e/%2e%2e/x.jpg", "/dav/a%00.jpg", "http://localhost/api/v1/devices"})
    void aHostileDestinationIsRefusedAndTheSourceStays(String destination) throws IOException {
        byte[] jpeg = TestImages.jpeg(SEED.incrementAndGet());
        String source = "/dav/hostile-move/" + SEED.get() + ".jpg";
        raw("MKCOL /dav/hostile-move/ HTTP/1.1", List.of("Authorization: " + basic()), new byte[0]);
        Raw put = raw("PUT " + source + " HTTP/1.1", List.of("Authorization: " + basic(), "Content-Length: " + jpeg.length), jpeg);
        assertEquals(2, put.status() / 100, put.body());
        Raw move = raw("MOVE " + source + " HTTP/1.1", List.of("Authorization: " + basic(), "Destination: " + destination), new byte[0]);
        clearJsonRefusalOrPlain(move, destination);
        Raw still = raw("PROPFIND " + source + " HTTP/1.1", List.of("Authorization: " + basic(), "Depth: 0"), new byte[0]);
        assertEquals(207, still.status(), "the source is gone after a refused MOVE: " + still.body());
    }

    /**
     * A Destination on another server (host, port or scheme; the request's Host is {@code localhost}, so
     * port 80) is a 502 (RFC 4918 9.8.5, 9.9.4), and nothing is copied or moved inside this tree,
     * though the path would fit it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"MOVE http://elsewhere.example", "COPY http://elsewhere.example", "MOVE http://localhost:8",
            "COPY http://localhost:8", "MOVE https://localhost", "COPY https://localhost", "MOVE http://127.0.0.2"})
    void aDestinationOnAnotherServerIsA502AndNothingMoves(String row) throws IOException {
        String[] parts = row.split(" ");
        byte[] jpeg = TestImages.jpeg(SEED.incrementAndGet());
        String source = "/dav/hostile-elsewhere/" + SEED.get() + ".jpg";
        String target = "/dav/hostile-elsewhere/" + SEED.get() + "-there.jpg";
        raw("MKCOL /dav/hostile-elsewhere/ HTTP/1.1", List.of("Authorization: " + basic()), new byte[0]);
        Raw put = raw("PUT " + source + " HTTP/1.1", List.of("Authorization: " + basic(), "Content-Length: " + jpeg.length), jpeg);
        assertEquals(2, put.status() / 100, put.body());

        Raw r = raw(parts[0] + " " + source + " HTTP/1.1",
                List.of("Authorization: " + basic(), "Destination: " + parts[1] + target), new byte[0]);

        assertEquals(502, r.status(), row + ": " + r.head() + r.body());
        assertTrue(r.body().contains("on another server"), row + ": " + r.body());
        assertEquals(207, raw("PROPFIND " + source + " HTTP/1.1", List.of("Authorization: " + basic(), "Depth: 0"),
                new byte[0]).status(), "the source stays");
        assertEquals(404, raw("PROPFIND " + target + " HTTP/1.1", List.of("Authorization: " + basic(), "Depth: 0"),
                new byte[0]).status(), "nothing was written at the same path here");
    }

    /**
     * Another server's path is its own: a Destination on another host is a 502 whatever its path (it was a 400 "not
     * a WebDAV path" when the path was not one here). A Destination in a chunked upload's staging area is no file.
     */
    @Test
    void aDestinationElsewhereIs502WhateverItsPathAndTheStagingAreaIsNoDestination() throws IOException {
        byte[] jpeg = TestImages.jpeg(SEED.incrementAndGet());
        String source = "/dav/hostile-elsewhere/" + SEED.get() + ".jpg";
        raw("MKCOL /dav/hostile-elsewhere/ HTTP/1.1", List.of("Authorization: " + basic()), new byte[0]);
        assertEquals(2, raw("PUT " + source + " HTTP/1.1", List.of("Authorization: " + basic(), "Content-Length: " + jpeg.length),
                jpeg).status() / 100);
        for (String method : List.of("COPY", "MOVE")) {
            Raw r = raw(method + " " + source + " HTTP/1.1",
                    List.of("Authorization: " + basic(), "Destination: http://elsewhere.example/x.jpg"), new byte[0]);
            assertEquals(502, r.status(), method + ": " + r.head() + r.body());
            Raw staged = raw(method + " " + source + " HTTP/1.1",
                    List.of("Authorization: " + basic(), "Destination: /remote.php/dav/uploads/anna/up1/y.jpg"), new byte[0]);
            assertEquals(400, staged.status(), method + ": " + staged.head() + staged.body());
            assertTrue(staged.body().contains("staging area"), staged.body());
        }
        assertEquals(404, raw("PROPFIND /dav/y.jpg HTTP/1.1", List.of("Authorization: " + basic(), "Depth: 0"),
                new byte[0]).status(), "nothing landed at the staged name in the files tree");
    }

    /** The same Destination naming this server (Host: localhost, port 80 implied) is applied. */
    @Test
    void aDestinationNamingThisServerIsApplied() throws IOException {
        byte[] jpeg = TestImages.jpeg(SEED.incrementAndGet());
        String source = "/dav/hostile-elsewhere/" + SEED.get() + ".jpg";
        String target = "/dav/hostile-elsewhere/" + SEED.get() + "-here.jpg";
        raw("MKCOL /dav/hostile-elsewhere/ HTTP/1.1", List.of("Authorization: " + basic()), new byte[0]);
        assertEquals(2, raw("PUT " + source + " HTTP/1.1", List.of("Authorization: " + basic(), "Content-Length: " + jpeg.length),
                jpeg).status() / 100);
        Raw r = raw("MOVE " + source + " HTTP/1.1", List.of("Authorization: " + basic(), "Destination: http://LOCALHOST:80" + target),
                new byte[0]);
        assertEquals(201, r.status(), r.head() + r.body());
        assertEquals(207, raw("PROPFIND " + target + " HTTP/1.1", List.of("Authorization: " + basic(), "Depth: 0"),
                new byte[0]).status());
    }

    // --- XML bodies ---------------------------------------------------------------------------------

    static final String XXE = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>";
    static final String LAUGHS = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"lollollollollollollollollollol\">"
            + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
            + "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
            + "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
            + "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]>";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "PROPFIND|XXE|<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname>&x;</D:displayname></D:prop></D:propfind>",
            "PROPFIND|LAUGHS|<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname>&i;</D:displayname></D:prop></D:propfind>",
            "PROPPATCH|XXE|<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><Z:n xmlns:Z=\"urn:z\">&x;</Z:n></D:prop></D:set></D:propertyupdate>",
            "PROPPATCH|LAUGHS|<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><Z:n xmlns:Z=\"urn:z\">&i;</Z:n></D:prop></D:set></D:propertyupdate>",
            "LOCK|XXE|<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>&x;</D:owner></D:lockinfo>",
            "LOCK|LAUGHS|<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>&i;</D:owner></D:lockinfo>"})
    void entitiesInWebDavBodiesAreNeverExpanded(String row) throws IOException {
        String[] parts = row.split("\\|", 3);
        String method = parts[0];
        String body = (parts[1].equals("XXE") ? XXE : LAUGHS) + parts[2];
        String target = "/dav/hostile-xml-" + SEED.incrementAndGet() + ".jpg";
        if (!method.equals("LOCK")) {
            byte[] jpeg = TestImages.jpeg(SEED.get());
            raw("PUT " + target + " HTTP/1.1", List.of("Authorization: " + basic(), "Content-Length: " + jpeg.length), jpeg);
        }
        byte[] xml = body.getBytes(StandardCharsets.UTF_8);
        Raw r = raw(method + " " + target + " HTTP/1.1", List.of("Authorization: " + basic(), "Depth: 0",
                "Content-Type: application/xml", "Content-Length: " + xml.length), xml);
        assertFalse(r.body().contains("root:"), "/etc/passwd leaked: " + r.body());
        assertFalse(r.body().contains("lollollol"), "entities were expanded: " + r.body().length() + " chars");
        // refused, or taken with the entity left unexpanded; never a crash
        if (r.status() >= 400) {
            clearJsonRefusalOrPlain(r, row);
        } else {
            assertTrue(r.status() / 100 == 2, row + ": " + r.status() + " " + r.body());
            noStackTrace(r.body(), row);
        }
    }

    // --- sizes and timing ---------------------------------------------------------------------------

    @ParameterizedTest(name = "Content-Length of 10 GB on {0}")
    @ValueSource(strings = {"POST /api/v1/uploads", "PUT /api/v1/uploads/big.jpg", "PUT /dav/big.jpg"})
    void aTenGigabyteContentLengthIsRefusedBeforeTheBody(String line) throws IOException {
        String auth = line.contains("/dav/") ? basic() : "Bearer " + token;
        Raw r = raw(line + " HTTP/1.1", List.of("Authorization: " + auth, "Content-Type: multipart/form-data; boundary=x",
                "Content-Length: 10737418240"), "--x\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(413, r.status(), r.body());
        clearJsonRefusal(r.status(), r.contentType(), r.body(), line);
    }

    /**
     * The operator APIs take the admin token only, however the path is spelled: the routers forgive
     * {@code ;parameters}, {@code //}, dot segments and escapes, so the gate must judge the path they route.
     */
    @ParameterizedTest
    @ValueSource(strings = {"GET /api/v1/devices", "GET /api/v1/devices;x", "GET //api/v1/devices", "GET /api/v1;x/devices",
            "GET /api/./v1/devices", "GET /x/../api/v1/devices", "GET /%61pi/v1/devices", "POST /api/v1/devices;x",
            "DELETE /api/v1;x/devices/hostile-probe", "GET /api/v1/uploads;x/rejections", "GET /api//v1/uploads/rejections",
            "GET /api/v1/sources;x", "POST /api/v1/sources/x;y/scan", "GET /q/../api/v1/devices"})
    void anUploadTokenNeverOpensAnOperatorApi(String line) throws IOException {
        String[] parts = line.split(" ");
        byte[] body = parts[0].equals("POST") ? "{\"name\": \"hostile-probe\"}".getBytes(StandardCharsets.UTF_8) : new byte[0];
        Raw r = raw(line + " HTTP/1.1", List.of("Authorization: Bearer " + token, "Content-Type: application/json"), body);
        assertEquals(401, r.status(), line + ": " + r.head() + "\n" + r.body());
        clearJsonRefusal(r.status(), r.contentType(), r.body(), line);
        assertTrue(r.body().contains("needs the admin token"), line + ": " + r.body());
        // and nothing was done: no device was made
        given().header("Authorization", "Bearer " + adminToken).get("/api/v1/devices").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("hostile-probe")));
    }

    @Test
    void anOversizedHeaderIsRefused() throws IOException {
        Raw r = raw("GET /api/v1/devices HTTP/1.1", List.of("Authorization: Bearer " + adminToken, "X-Junk: " + "a".repeat(64 * 1024)),
                new byte[0]);
        assertEquals(431, r.status(), r.head());
    }

    /**
     * Twenty connections that send half an upload and stall hold no worker: another client's good upload
     * still goes through (the stalled client itself may send only so many at once).
     */
    @Test
    void slowLorisUploadsDoNotStopOthers() throws IOException {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                stalled.add(stalled("POST /api/v1/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: multipart/form-data; boundary=slow\r\nContent-Length: 1000000\r\n\r\n--slow\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"slow.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"));
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().header("Authorization", "Bearer " + adminToken)
                    .multiPart("file", "while-stalled.jpg", TestImages.jpeg(SEED.incrementAndGet()), "image/jpeg")
                    .post("/api/v1/uploads").then().statusCode(201));
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    /** A connection that sends {@code head} and the first bytes of a JPEG, then nothing more. */
    private static Socket stalled(String head) throws IOException {
        return RawHttp.stalled(URI.create(RestAssured.baseURI).getHost(), RestAssured.port, head);
    }

    /**
     * WebDAV bodies are read on a worker thread each while they arrive: one client stalling more than
     * {@code max-in-flight-per-client} of them is told to wait (429), and everything else goes on.
     */
    @Test
    void aClientSendingTooManyBodiesAtOnceIsToldToWaitWhileOthersGoOn() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                stalled.add(stalled("PUT /dav/stalled-" + i + ".jpg HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic()
                        + "\r\nContent-Length: 1000000\r\n\r\n"));
            }
            byte[] jpeg = TestImages.jpeg(SEED.incrementAndGet());
            io.restassured.response.Response refused = await().atMost(Duration.ofSeconds(30)).until(
                    () -> given().header("Authorization", basic()).body(jpeg).put("/dav/one-too-many.jpg"),
                    r -> r.statusCode() == 429);
            refused.then().header("Retry-After", "5")
                    .body("error", containsString("too many uploads at once from this client"));
            given().header("Authorization", basic()).header("Depth", "0").request("PROPFIND", "/dav/").then().statusCode(207);
            given().header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("other:" + adminToken)
                    .getBytes(StandardCharsets.UTF_8))).body(jpeg).put("/dav/another-client.jpg").then().statusCode(201);
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
        byte[] after = TestImages.jpeg(SEED.incrementAndGet());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", basic()).body(after)
                .put("/dav/after-the-stall.jpg").then().statusCode(201));
    }

    // --- JSON with wrong types ----------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "POST /api/v1/uploads/check|{\"sha256\": 5}",
            "POST /api/v1/uploads/check|{\"sha256\": [{\"a\": 1}]}",
            "POST /api/v1/uploads/check|[1, 2, 3]",
            "POST /api/v1/uploads/check|\"sha256\"",
            "POST /api/v1/uploads/check|{\"sha256\": [",
            "POST /api/v1/uploads/check|{\"sha256\": [\"../../etc/passwd\"]}",
            "POST /api/v1/sources|{\"id\": 5, \"path\": []}",
            "POST /api/v1/sources|[]",
            "POST /api/v1/sources|{\"id\": \"hostile-x\", \"path\": \"/nonexistent/hostile\", \"pollSeconds\": \"often\"}",
            "PUT /api/v1/sources/hostile|{\"path\": 12, \"enabled\": \"maybe\"}",
            "POST /api/v1/devices|{\"name\": {\"a\": 1}}",
            "POST /api/v1/devices|[\"phone\"]",
            "POST /api/v1/devices|12",
            "POST /api/v1/devices|{\"name\": \"../../etc\"}"})
    void aJsonBodyOfTheWrongShapeIsA400WithAReason(String row) {
        String[] parts = row.split("\\|", 2);
        String[] line = parts[0].split(" ");
        String auth = line[1].startsWith("/api/v1/uploads") ? token : adminToken;
        Response r = given().header("Authorization", "Bearer " + auth).contentType("application/json").body(parts[1])
                .request(line[0], line[1]);
        assertEquals(400, r.statusCode(), row + ": " + r.asString());
        clearJsonRefusal(r.statusCode(), r.contentType(), r.asString(), row);
    }

    // --- a raw HTTP/1.1 client: the test decides every byte ----------------------------------------

    private static void clearJsonRefusalOrPlain(Raw r, String what) {
        // 4xx, or a 5xx that is an answer (502 for a Destination on another server, 507), not a crash (500)
        assertTrue(r.status() >= 400 && r.status() < 600 && r.status() != 500, what + ": " + r.status() + " " + r.body());
        if (!r.body().isEmpty() && r.contentType() != null && r.contentType().startsWith("application/json")) {
            clearJsonRefusal(r.status(), r.contentType(), r.body(), what);
        } else {
            // WebDAV answers in XML (RFC 4918) where a client expects it
            assertTrue(r.contentType() == null || r.contentType().matches("(application|text)/(json|xml).*"), what + ": " + r.head());
            noStackTrace(r.body(), what);
        }
    }

    static Raw raw(String requestLine, List<String> headers, byte[] body) throws IOException {
        return RawHttp.send(URI.create(RestAssured.baseURI).getHost(), RestAssured.port, requestLine, headers, body);
    }
}
