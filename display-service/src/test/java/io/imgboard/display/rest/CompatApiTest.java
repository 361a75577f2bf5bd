package io.imgboard.display.rest;

import io.imgboard.display.service.Settings;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.Neighbours;
import io.imgboard.display.support.Renditions;
import io.imgboard.infra.testing.RawHttp;
import io.imgboard.infra.testing.SseClient;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Topics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * img-board's HTTP API (IMG-BOARD-API.md), driven with the original's requests and payloads against
 * the real broker and S3; the ledger and ingest are the stand-ins of {@link Neighbours}.
 */
@QuarkusTest
class CompatApiTest {
    private static final String SAFE_NAME = "[A-Za-z0-9_-][A-Za-z0-9._-]{0,122}\\.webp";
    private static final String DEFAULTS = "{\"slideshowInterval\":5000,\"randomOrder\":true,\"reshuffleInterval\":3600000,"
            + "\"preprocessing\":{\"quality\":82,\"targetWidth\":1920,\"targetHeight\":1080}}";

    @TestHTTPResource("/api/events")
    URI events;

    @Inject
    Settings settings;

    /** The real store of the settings (the compacted topic), put back after a test replaced it. */
    @Inject
    Settings.Store settingsTopic;

    @TestHTTPResource("/api/v1/events")
    URI v1Events;

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN);
    }

    private static Response postConfig(String json) {
        return admin().contentType(ContentType.JSON).body(json).post("/api/admin/config");
    }

    @AfterEach
    void backToDefaults() {
        Neighbours.LEDGER.reset();
        postConfig(DEFAULTS).then().statusCode(200);
    }

    // ---- public routes ------------------------------------------------------------------------

    @Test
    void healthIsLivenessWithUptimeForGetAndHeadWithoutAuth() {
        // QuarkusTest runs the service in this JVM: its uptime is at least the JVM's (not since a first request)
        double started = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        float uptime = given().get("/health").then().statusCode(200)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .body("status", equalTo("ok"))
                .body("uptime", instanceOf(Float.class))
                .extract().path("uptime");
        assertTrue(uptime >= started - 0.001, "uptime " + uptime + " s, the service's JVM has run " + started + " s");
        given().head("/health").then().statusCode(200).contentType(startsWith("application/json"));
        given().head("/api/images").then().statusCode(200).contentType(startsWith("application/json"));
        given().head("/api/events").then().statusCode(200).contentType(startsWith("text/event-stream"))
                .header("Cache-Control", "no-cache");
    }

    /**
     * IMG-BOARD-API section 2: HEAD answers every GET with the same status and headers; {@code curl -I}
     * and {@code wget --spider} checks read {@code Content-Length} too, which Express always sends (an
     * image's refusals included: its 404 and 403 texts).
     */
    @Test
    void headAnswersEveryRouteWithItsGetsHeadersAndLength() {
        for (String path : new String[]{"/health", "/api/images", "/api/nope", "/api/admin/config", "/api/admin/stats",
                "/api/admin/reprocess-status", "/api/admin/nope", "/admin.html", "/images/none-000000000000.webp",
                "/images/x.jpg"}) {
            Response get = admin().get(path);
            Response head = admin().head(path);
            assertEquals(get.statusCode(), head.statusCode(), path);
            for (String header : new String[]{"Content-Type", "Cache-Control", "Location"}) {
                assertEquals(get.header(header), head.header(header), path + " " + header);
            }
            int length = get.asByteArray().length;
            assertTrue(length > 0, path + " answers a body to GET");
            assertEquals(String.valueOf(length), get.header("Content-Length"), path + ": GET's Content-Length");
            if (path.equals("/health")) {
                // its uptime may gain a digit between the two requests
                assertThat(path, Integer.parseInt(head.header("Content-Length")), greaterThan(length - 3));
            } else {
                assertEquals(String.valueOf(length), head.header("Content-Length"), path + ": HEAD's Content-Length");
            }
            assertEquals(0, head.asByteArray().length, path + ": HEAD sends no body");
        }
    }

    @Test
    void unknownApiPathsAre404JsonNeverHtml() {
        admin().get("/api/admin/nope").then().statusCode(404).body("error", equalTo("Not found"));
        for (String path : new String[]{"/api/nope", "/api/images/extra", "/api/"}) {
            given().get(path).then().statusCode(404).contentType(startsWith("application/json"))
                    .body("error", equalTo("Not found"));
        }
        given().post("/api/nope").then().statusCode(404).body("error", equalTo("Not found"));
        // the framework's own refusals of img-board's routes too: its JSON headers, its bodies
        for (String path : new String[]{"/api/events/x", "/api"}) {
            given().get(path).then().statusCode(404).contentType("application/json;charset=utf-8")
                    .header("Cache-Control", "no-store").body(equalTo("{\"error\":\"Not found\"}"));
        }
        given().post("/health").then().statusCode(405).contentType("application/json;charset=utf-8")
                .header("Cache-Control", "no-store")
                .body("error", startsWith("This route does not take that method"));
        given().delete("/images/x.webp").then().statusCode(405).contentType("text/plain;charset=utf-8")
                .body(equalTo("Method Not Allowed"));
    }

    @Test
    void listedNamesAreSafeUniquePerPhotoAndServeTheirWebp() throws Exception {
        UUID jpg = UUID.randomUUID();
        UUID png = UUID.randomUUID();
        UUID odd = UUID.randomUUID();
        UUID unnamed = UUID.randomUUID();
        byte[] webp = Renditions.fixture();
        for (UUID id : List.of(jpg, png, odd, unnamed)) {
            Renditions.put(id, "display", webp);
        }
        try (Catalog catalog = new Catalog()) {
            catalog.publish(Catalog.named(jpg, "photo.jpg", Instant.parse("2012-03-01T00:00:00Z")));
            catalog.publish(Catalog.named(png, "photo.png", Instant.parse("2012-03-02T00:00:00Z")));
            catalog.publish(Catalog.named(odd, "../<b>Beach #1?.jpg", Instant.parse("2012-03-03T00:00:00Z")));
            catalog.publish(Catalog.photo(unnamed, Instant.parse("2012-03-04T00:00:00Z")));
        }
        String jpgName = "photo-" + hex12(jpg) + ".webp";
        String pngName = "photo-" + hex12(png) + ".webp";
        String oddName = "_b_Beach__1_-" + hex12(odd) + ".webp";
        String unnamedName = hex12(unnamed) + ".webp";
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/api/images").jsonPath().getList("$", String.class),
                hasItems(jpgName, pngName, oddName, unnamedName));
        given().get("/api/images").then().statusCode(200).contentType(startsWith("application/json"))
                .body("$", everyItem(matchesPattern(SAFE_NAME)));

        Response image = given().get("/images/" + jpgName);
        image.then().statusCode(200).contentType("image/webp")
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "public, max-age=0")
                .header("ETag", matchesPattern("\"[^\"]+\""))
                .header("Last-Modified", matchesPattern("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] [A-Z][a-z]{2} [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-6][0-9] GMT"))
                .header("X-Frame-Options", nullValue());
        assertEquals(webp.length, image.asByteArray().length);
        String etag = image.header("ETag");
        given().header("If-None-Match", etag).get("/images/" + jpgName).then().statusCode(304).header("ETag", etag);
        given().head("/images/" + jpgName).then().statusCode(200).header("ETag", etag)
                .header("Content-Length", String.valueOf(webp.length));

        Response part = given().header("Range", "bytes=0-9").get("/images/" + jpgName);
        part.then().statusCode(206).header("Content-Range", "bytes 0-9/" + webp.length);
        assertEquals(List.of(Arrays.copyOfRange(webp, 0, 10)).get(0).length, part.asByteArray().length);
        assertEquals(new String(Arrays.copyOfRange(webp, 0, 10), StandardCharsets.ISO_8859_1),
                new String(part.asByteArray(), StandardCharsets.ISO_8859_1));
        given().header("Range", "bytes=-4").get("/images/" + jpgName).then().statusCode(206)
                .header("Content-Range", "bytes " + (webp.length - 4) + "-" + (webp.length - 1) + "/" + webp.length);
        given().header("Range", "bytes=999999-").get("/images/" + jpgName).then().statusCode(416)
                .header("Content-Range", "bytes */" + webp.length);
        // If-Range (RFC 9110 13.1.5): the range only for the current tag, by strong comparison, or the exact
        // Last-Modified; anything else is a resumed download of other bytes and gets the whole image.
        String modified = image.header("Last-Modified");
        for (String current : List.of(etag, modified)) {
            given().header("If-Range", current).header("Range", "bytes=0-9").get("/images/" + jpgName).then()
                    .statusCode(206).header("Content-Range", "bytes 0-9/" + webp.length);
        }
        for (String stale : List.of("\"stale\"", "W/" + etag, "Mon, 01 Jan 2001 00:00:00 GMT", modified.replace("GMT", "UTC"))) {
            Response whole = given().header("If-Range", stale).header("Range", "bytes=0-9").get("/images/" + jpgName);
            whole.then().statusCode(200).header("Content-Range", nullValue()).header("ETag", etag)
                    .header("Content-Length", String.valueOf(webp.length));
            assertTrue(Arrays.equals(webp, whole.asByteArray()), "the whole image for If-Range " + stale);
            given().header("If-Range", stale).header("Range", "bytes=0-9").head("/images/" + jpgName).then()
                    .statusCode(200).header("Content-Length", String.valueOf(webp.length));
        }
        // an exact lookup of the name as sent: RESTEasy's forgiving of ";…" and a trailing slash does not serve it
        given().urlEncodingEnabled(false).get("/images/" + jpgName + ";x").then().statusCode(403).body(equalTo("Forbidden"));
        given().urlEncodingEnabled(false).get("/images/" + jpgName + "/").then().statusCode(403).body(equalTo("Forbidden"));
        given().urlEncodingEnabled(false).get("/images/" + jpgName + ";.webp").then().statusCode(404).body(equalTo("Not found"));
        given().urlEncodingEnabled(false).head("/images/" + jpgName + ";.webp").then().statusCode(404);
        given().urlEncodingEnabled(false).get("/images/" + jpgName.replace("-", "%2D")).then().statusCode(200);
    }

    @Test
    void imageNamesAreCheckedInOrderForbiddenThenNotFound() {
        for (String path : new String[]{"/images/..%2Fsecret.webp", "/images/a%5Cb.webp", "/images/x.jpg", "/images/x",
                "/images/a%00b.webp", "/images/a%0Ab.webp", "/images/a%C2%85b.webp", "/images/a%C2%9Fb.webp",
                "/images/sub/dir.webp", "/images/x.WEBP.png"}) {
            given().urlEncodingEnabled(false).get(path).then().statusCode(403)
                    .contentType("text/plain;charset=utf-8").body(equalTo("Forbidden"));
        }
        for (String path : new String[]{"/images/nothing-0123456789ab.webp", "/images/.hidden.webp", "/images/A%20B.webp"}) {
            given().urlEncodingEnabled(false).get(path).then().statusCode(404)
                    .contentType("text/plain;charset=utf-8").body(equalTo("Not found"));
            given().urlEncodingEnabled(false).head(path).then().statusCode(404);
        }
    }

    // ---- admin access -------------------------------------------------------------------------

    @Test
    void everyAdminRouteIs403AccessDeniedWithoutTheAdminTokenEvenFromLoopback() {
        int writes = Neighbours.LEDGER_WRITES.size();
        int uploads = Neighbours.UPLOADS.size();
        for (String authorization : new String[]{null, "Bearer " + Neighbours.UPLOAD_TOKEN, "Bearer wrong"}) {
            for (String[] route : new String[][]{{"GET", "/api/admin/config"}, {"POST", "/api/admin/config"},
                    {"GET", "/api/admin/stats"}, {"POST", "/api/admin/reprocess"}, {"GET", "/api/admin/reprocess-status"},
                    {"POST", "/api/admin/upload"}, {"HEAD", "/api/admin/config"}, {"GET", "/api/admin/nope"}}) {
                RequestSpecification request = given().redirects().follow(false);
                if (authorization != null) {
                    request = request.header("Authorization", authorization);
                }
                Response response = request.request(route[0], route[1]);
                assertEquals(403, response.statusCode(), route[0] + " " + route[1]);
                if (!"HEAD".equals(route[0])) {
                    response.then().contentType(startsWith("application/json")).body("error", equalTo("Access denied"));
                }
            }
        }
        assertEquals(writes, Neighbours.LEDGER_WRITES.size(), "no ledger write without the admin token");
        assertEquals(uploads, Neighbours.UPLOADS.size(), "no upload without the admin token");
    }

    /**
     * The routers forgive {@code //}, dot segments, escapes and {@code ;parameters}: every spelling of an admin
     * route is refused as the plain one is, and nothing is written.
     */
    @Test
    void everySpellingOfAnAdminRouteIs403WithoutTheToken() throws Exception {
        int writes = Neighbours.LEDGER_WRITES.size();
        String before = admin().get("/api/admin/config").then().statusCode(200).extract().asString();
        for (String path : new String[]{"//api/admin/config", "/api//admin/config", "/api/./admin/config", "/x/../api/admin/config",
                "/%61pi/admin/config", "/api/%61dmin/config", "/api;x/admin/config", "/api/admin;x/config",
                "/api/admin/config;x", "/API/admin/config/../config"}) {
            for (String method : new String[]{"GET", "POST"}) {
                byte[] body = method.equals("POST") ? "{\"slideshowInterval\":7000}".getBytes(StandardCharsets.UTF_8) : new byte[0];
                RawHttp.Raw r = RawHttp.send(URI.create(RestAssured.baseURI).getHost(), RestAssured.port,
                        method + " " + path + " HTTP/1.1", List.of("Content-Type: application/json"), body);
                assertTrue(r.status() == 403 || r.status() == 404, method + " " + path + ": " + r.head() + "\n" + r.body());
                assertFalse(r.body().contains("slideshowInterval"), method + " " + path + ": " + r.body());
            }
        }
        assertEquals(writes, Neighbours.LEDGER_WRITES.size(), "no ledger write without the admin token");
        assertEquals(before, admin().get("/api/admin/config").then().statusCode(200).extract().asString(), "the config is unchanged");
    }

    @Test
    void theSlideshowPageMayBeEmbeddedByAnySiteAsImgBoardsWas() {
        for (String path : new String[]{"/", "/api/images"}) {
            Response response = given().get(path);
            assertEquals(200, response.statusCode(), path);
            assertEquals(null, response.header("Content-Security-Policy"), path);
            assertEquals(null, response.header("X-Frame-Options"), path);
        }
    }

    @Test
    void adminRedirectsToTheAdminPage() {
        admin().redirects().follow(false).get("/admin").then().statusCode(302).header("Location", equalTo("/admin.html"));
        admin().get("/admin.html").then().statusCode(200).contentType(startsWith("text/html"));
        admin().head("/admin.html").then().statusCode(200);
    }

    /**
     * A browser cannot send the token when it navigates: {@code /admin} and {@code /admin.html} give
     * everyone the page, which signs in with the token; the data it reads stays behind the token.
     */
    @Test
    void aBrowserWithoutTheTokenGetsTheAdminPageWhoseDataStaysBehindTheToken() {
        for (String authorization : new String[]{null, "Bearer wrong"}) {
            RequestSpecification browser = given().redirects().follow(false).header("Accept", "text/html,application/xhtml+xml");
            if (authorization != null) {
                browser = browser.header("Authorization", authorization);
            }
            browser.get("/admin").then().statusCode(302).header("Location", matchesPattern(".*/admin\\.html"));
            browser.head("/admin").then().statusCode(302);
        }
        String page = given().header("Accept", "text/html").get("/admin.html").then().statusCode(200)
                .contentType(startsWith("text/html")).header("Cache-Control", "no-store").extract().asString();
        assertThat(page, allOf(containsString("/admin.js"), containsString("/pages.js"), containsString("id=\"dropzone\""),
                containsString("id=\"reprocess-bar\"")));
        assertEquals(page, given().get("/admin/").asString(), "/admin.html is the page /admin/ serves");
        given().head("/admin.html").then().statusCode(200).contentType(startsWith("text/html"));
        // The page asks for the token on its first 401/403 (pages.js): the data routes it calls refuse without it.
        given().get("/pages.js").then().statusCode(200).body(containsString("askForToken"));
        for (String data : new String[]{"/api/admin/stats", "/api/admin/config", "/api/admin/reprocess-status"}) {
            given().get(data).then().statusCode(403).body("error", equalTo("Access denied"));
        }
        given().get("/api/v1/admin/settings").then().statusCode(401);
    }

    // ---- config -------------------------------------------------------------------------------

    @Test
    void theConfigDocumentHasEveryKeyWithItsType() {
        admin().get("/api/admin/config").then().statusCode(200)
                .contentType(startsWith("application/json")).header("Cache-Control", "no-store")
                .body("imagePath", equalTo("/mnt/photos/processed"))
                .body("imageExtensions", contains(".webp"))
                .body("slideshowInterval", equalTo(5000))
                .body("randomOrder", equalTo(true))
                .body("reshuffleInterval", equalTo(3600000))
                .body("recursive", equalTo(false))
                .body("port", instanceOf(Integer.class))
                .body("https.enabled", equalTo(false))
                .body("https.cert", equalTo("/path/to/cert.pem"))
                .body("https.key", equalTo("/path/to/key.pem"))
                .body("admin.enabled", equalTo(true))
                .body("admin.allowedIPs", equalTo(List.of()))
                .body("preprocessing.enabled", equalTo(true))
                .body("preprocessing.rawImagePath", equalTo("/mnt/photos/raw"))
                .body("preprocessing.processedImagePath", equalTo("/mnt/photos/processed"))
                .body("preprocessing.archivePath", equalTo("/mnt/photos/archive"))
                .body("preprocessing.keepOriginals", equalTo(true))
                .body("preprocessing.inputExtensions", contains(".jpg", ".jpeg", ".png"))
                .body("preprocessing.outputFormat", equalTo("webp"))
                .body("preprocessing.quality", equalTo(82))
                .body("preprocessing.targetWidth", equalTo(1920))
                .body("preprocessing.targetHeight", equalTo(1080));
    }

    @Test
    void invalidUpdatesAre400WithTheOriginalsMessagesAndChangeNothing() {
        int writes = Neighbours.LEDGER_WRITES.size();
        String[][] cases = {
                {"{\"slideshowInterval\":500}", "slideshowInterval must be >= 1000ms"},
                {"{\"slideshowInterval\":2147483648}", "slideshowInterval must be <= 86400000ms (24 hours)"},
                {"{\"slideshowInterval\":\"abc\"}", "slideshowInterval must be an integer"},
                {"{\"slideshowInterval\":null}", "slideshowInterval must be an integer"},
                {"{\"slideshowInterval\":2500.5}", "slideshowInterval must be an integer"},
                {"{\"slideshowInterval\":true}", "slideshowInterval must be an integer"},
                {"{\"preprocessing\":{\"quality\":0}}", "quality must be 1-100"},
                {"{\"preprocessing\":{\"quality\":101}}", "quality must be 1-100"},
                {"{\"preprocessing\":{\"targetWidth\":0}}", "targetWidth must be >= 1"},
                {"{\"preprocessing\":{\"targetHeight\":-5}}", "targetHeight must be >= 1"},
                {"{\"preprocessing\":{\"targetWidth\":null}}", "preprocessing.targetWidth must be an integer"},
                {"{\"reshuffleInterval\":-1}", "reshuffleInterval must be >= 0"},
                {"{\"reshuffleInterval\":31536000001}", "The reshuffle interval can be at most one year (31536000000 ms)."},
                {"{\"reshuffleInterval\":9223372036854775807}", "The reshuffle interval can be at most one year (31536000000 ms)."},
                {"{\"randomOrder\":\"yes\"}", "randomOrder must be a boolean"},
                {"{\"foo\":1}", "Unknown configuration key: foo"},
                {"{\"preprocessing\":{\"sharpen\":true}}", "Unknown configuration key: preprocessing.sharpen"},
                {"{\"preprocessing\":{\"rawImagePath\":\"/etc\"}}", "preprocessing.rawImagePath is read-only"},
                {"{\"imagePath\":\"/\"}", "imagePath is read-only"},
                {"{\"port\":1}", "port is read-only"},
                {"{\"admin\":{\"allowedIPs\":[\"0.0.0.0/0\"]}}", "admin.allowedIPs is read-only"},
                {"{\"preprocessing\":5}", "preprocessing must be an object"},
                {"{\"https\":null}", "https must be an object"},
                // Unknown before read-only before type before range: the first failure names the request's problem.
                {"{\"zzz\":1,\"port\":1,\"slideshowInterval\":1}", "Unknown configuration key: zzz"},
                {"{\"port\":1,\"slideshowInterval\":\"x\"}", "port is read-only"},
                {"{\"slideshowInterval\":1,\"randomOrder\":1}", "randomOrder must be a boolean"},
        };
        for (String[] c : cases) {
            postConfig(c[0]).then().statusCode(400).contentType(startsWith("application/json"))
                    .body("error", equalTo(c[1]));
        }
        admin().contentType(ContentType.JSON).body("[1,2]").post("/api/admin/config").then().statusCode(400)
                .body("error", equalTo("Request body must be a JSON object"));
        admin().contentType(ContentType.JSON).body("{\"slideshowInterval\":").post("/api/admin/config").then().statusCode(400)
                .body("error", equalTo("Malformed JSON body"));
        admin().contentType(ContentType.JSON).body("{\"slideshowInterval\":6000} }}}not json").post("/api/admin/config").then()
                .statusCode(400).body("error", equalTo("Malformed JSON body"));
        admin().contentType(ContentType.TEXT).body("{\"slideshowInterval\":8000}").post("/api/admin/config").then()
                .statusCode(415).body("error", equalTo("Content-Type must be application/json"));
        admin().contentType(ContentType.JSON).body("{\"x\":\"" + "a".repeat(110 * 1024) + "\"}").post("/api/admin/config")
                .then().statusCode(413).body("error", equalTo("Request body too large"));
        admin().get("/api/admin/config").then().body("slideshowInterval", equalTo(5000));
        assertEquals(writes, Neighbours.LEDGER_WRITES.size(), "nothing went to the ledger");
    }

    @Test
    void aValidUpdateAppliesPersistsAndTellsFramesOnce() throws Exception {
        try (SseClient frame = SseClient.open(events); SseClient v1 = SseClient.open(v1Events)) {
            frame.await(SseClient.named("connected"));
            v1.await(SseClient.named("settings", "\"intervalMs\":5000"));
            postConfig("{}").then().statusCode(200).body("success", equalTo(true)).body("reprocessing", equalTo(false));
            postConfig("{\"slideshowInterval\":8000}").then().statusCode(200)
                    .body("success", equalTo(true)).body("reprocessing", equalTo(false));
            SseClient.Event update = frame.await(SseClient.named("config-update"));
            assertEquals("{\"slideshowInterval\":8000}", update.data());
            // Frames on /api/v1/events get the whole settings, and apply them at their next transition.
            v1.await(SseClient.named("settings", "\"intervalMs\":8000"));
            admin().get("/api/admin/config").then().body("slideshowInterval", equalTo(8000));
            // The same value again: no second config-update (a later change proves the stream is alive).
            postConfig("{\"slideshowInterval\":8000}").then().statusCode(200);
            postConfig("{\"slideshowInterval\":9000}").then().statusCode(200);
            frame.await(SseClient.named("config-update", "9000"));
            assertEquals(2, frame.events().stream().filter(SseClient.named("config-update")).count());
        }
        // Persisted: the compacted settings topic holds it under the frames key.
        await().atMost(Duration.ofSeconds(30)).until(() -> lastSettings().orElse(""), containsString("\"intervalMs\":\"9000\""));
        // A GET-edit-POST of the whole document is accepted (read-only keys carry the values GET reports).
        String whole = admin().get("/api/admin/config").asString();
        postConfig(whole).then().statusCode(200).body("reprocessing", equalTo(false));
    }

    /**
     * img-board's API speaks of the slideshow at {@code /}: when the {@code default} frame has its own interval (set
     * through {@code /api/v1/frames/default}), GET shows it and {@code /api/events} says so; a POST of the interval
     * then sets the display's and {@code /} follows it again (before, GET said 7000 while {@code /} ran 9000, and a
     * POST changed nothing on {@code /}).
     */
    @Test
    void theConfigIsTheSlideshowAtTheRootWithTheDefaultFramesOwnValues() throws Exception {
        try (SseClient frame = SseClient.open(events)) {
            frame.await(SseClient.named("connected"));
            admin().contentType(ContentType.JSON).body("{\"settings\":{\"intervalMs\":9000,\"showDate\":true}}")
                    .put("/api/v1/frames/default").then().statusCode(200);
            frame.await(SseClient.named("config-update", "9000"));
            admin().get("/api/admin/config").then().body("slideshowInterval", equalTo(9000));

            postConfig("{\"slideshowInterval\":8000}").then().statusCode(200);
            frame.await(SseClient.named("config-update", "8000"));
            admin().get("/api/v1/frames/default").then().statusCode(200)
                    .body("settings.intervalMs", equalTo(8000))
                    .body("overrides.intervalMs", nullValue())
                    .body("overrides.showDate", equalTo(true)); // what img-board's API does not speak of stays
            admin().get("/api/admin/config").then().body("slideshowInterval", equalTo(8000));
        } finally {
            admin().delete("/api/v1/frames/default");
        }
    }

    /**
     * A whole number written as a float or with an exponent (JSON from Python floats: {@code 10000.0}) is
     * that integer, for every integer key and for the read-only {@code port}; a real fraction stays refused.
     */
    @Test
    void aWholeNumberWrittenAsAFloatIsThatInteger() {
        postConfig("{\"slideshowInterval\":1e4}").then().statusCode(200).body("success", equalTo(true));
        admin().get("/api/admin/config").then().body("slideshowInterval", equalTo(10000));
        postConfig("{\"slideshowInterval\":12000.0,\"reshuffleInterval\":0.0,\"preprocessing\":{\"quality\":70.0}}")
                .then().statusCode(200).body("reprocessing", equalTo(false));
        admin().get("/api/admin/config").then().body("slideshowInterval", equalTo(12000))
                .body("reshuffleInterval", equalTo(0)).body("preprocessing.quality", equalTo(70));
        assertEquals(70, Neighbours.LEDGER.renditions().get(0).path("quality").asInt());
        int port = admin().get("/api/admin/config").jsonPath().getInt("port");
        postConfig("{\"port\":" + port + ".0}").then().statusCode(200);
        postConfig("{\"slideshowInterval\":10000.5}").then().statusCode(400)
                .body("error", equalTo("slideshowInterval must be an integer"));
        postConfig("{\"preprocessing\":{\"targetWidth\":1e30}}").then().statusCode(400)
                .body("error", equalTo("preprocessing.targetWidth must be an integer"));
    }

    @Test
    void settingsSavedOnTheTopicAreReadBack() throws Exception {
        try (Catalog catalog = new Catalog()) {
            catalog.sendTo(Topics.SETTINGS, "frames", "{\"eventId\":\"" + UUID.randomUUID() + "\",\"occurredAt\":\""
                    + Instant.now() + "\",\"section\":\"frames\",\"values\":{\"intervalMs\":\"12000\",\"order\":\"captured\","
                    + "\"reshuffleIntervalMs\":\"0\"}}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> admin().get("/api/admin/config").jsonPath().getInt("slideshowInterval"),
                equalTo(12000));
        admin().get("/api/admin/config").then().body("randomOrder", equalTo(false)).body("reshuffleInterval", equalTo(0));
    }

    @Test
    void aBoxChangeGoesToTheLedgerWithTheServiceTokenAndReprocessesOnlyWhenItDiffers() {
        postConfig("{\"preprocessing\":{\"targetWidth\":1280,\"targetHeight\":720}}").then().statusCode(200)
                .body("success", equalTo(true)).body("reprocessing", equalTo(true));
        assertThat(Neighbours.LEDGER_WRITES, hasItem("PUT /api/v1/renditions Bearer " + Neighbours.SERVICE_TOKEN));
        assertEquals(1280, Neighbours.LEDGER.renditions().get(0).path("width").asInt());
        assertEquals(3840, Neighbours.LEDGER.renditions().get(1).path("width").asInt(), "other renditions kept");
        admin().get("/api/admin/config").then().body("preprocessing.targetWidth", equalTo(1280))
                .body("preprocessing.targetHeight", equalTo(720));
        postConfig("{\"preprocessing\":{\"targetWidth\":1280,\"targetHeight\":720}}").then().statusCode(200)
                .body("reprocessing", equalTo(false));
        postConfig("{\"preprocessing\":{\"quality\":70}}").then().statusCode(200).body("reprocessing", equalTo(false));
        assertEquals(70, Neighbours.LEDGER.renditions().get(0).path("quality").asInt());
    }

    /**
     * A change of both the frame settings and the display rendition is applied whole or not at all,
     * through img-board's route and the admin page's: when the settings cannot be stored the ledger's
     * renditions are left alone, and when the ledger does not take the renditions the settings saved a
     * moment before are taken back.
     */
    @Test
    void aChangeOfSettingsAndRenditionsIsAppliedWholeOrNotAtAll() {
        int width = Neighbours.LEDGER.renditions().get(0).path("width").asInt();
        long interval = settings.current().intervalMs();
        String both = "{\"slideshowInterval\":" + (interval + 1000) + ",\"preprocessing\":{\"targetWidth\":" + (width - 16) + "}}";
        String bothOnThePage = "{\"frames\":{\"intervalMs\":" + (interval + 1000) + "},\"renditions\":[{\"name\":\"display\","
                + "\"width\":" + (width - 16) + ",\"height\":1080,\"quality\":82}]}";

        settings.storeWith(frames -> {
            throw new IllegalStateException("the broker did not acknowledge the settings");
        });
        try {
            postConfig(both).then().statusCode(500).body("error", equalTo("Failed to update configuration"));
            admin().contentType(ContentType.JSON).body(bothOnThePage).put("/api/v1/admin/settings").then().statusCode(503);
        } finally {
            settings.storeWith(settingsTopic);
        }
        assertEquals(width, Neighbours.LEDGER.renditions().get(0).path("width").asInt(),
                "the renditions changed though the settings of the same request were not stored");

        Neighbours.LEDGER.renditionsRefusal = 503;
        postConfig(both).then().statusCode(500).body("error", equalTo("Failed to update configuration"));
        assertEquals(interval, settings.current().intervalMs(), "img-board's route left the settings of a failed change");
        admin().contentType(ContentType.JSON).body(bothOnThePage).put("/api/v1/admin/settings").then().statusCode(503);
        assertEquals(interval, settings.current().intervalMs(), "the admin page's route left the settings of a failed change");
        Neighbours.LEDGER.renditionsRefusal = 0;
        admin().get("/api/admin/config").then().statusCode(200).body("slideshowInterval", equalTo((int) interval))
                .body("preprocessing.targetWidth", equalTo(width));
    }

    /**
     * The reshuffle interval has one limit, a year (what the admin page's form takes), on every route that
     * sets it: beyond it the form could never show the value again and every later save of it would fail.
     */
    @Test
    void aReshuffleIntervalBeyondAYearIsRefusedByEveryRouteThatSetsIt() {
        String tooLong = "The reshuffle interval can be at most one year (31536000000 ms).";
        for (String interval : List.of("31536000001", "99999999999999", "9223372036854775807")) {
            admin().contentType(ContentType.JSON).body("{\"frames\":{\"reshuffleIntervalMs\":" + interval + "}}")
                    .put("/api/v1/admin/settings").then().statusCode(400).contentType(startsWith("application/json"))
                    .body("error", equalTo(tooLong)).body("status", equalTo(400));
            postConfig("{\"reshuffleInterval\":" + interval + "}").then().statusCode(400).body("error", equalTo(tooLong));
        }
        admin().contentType(ContentType.JSON).body("{\"settings\":{\"reshuffleIntervalMs\":99999999999}}")
                .put("/api/v1/frames/a-year-and-more").then().statusCode(400).body("error", equalTo(tooLong));
        admin().contentType(ContentType.JSON).body("{\"frames\":{\"reshuffleIntervalMs\":99999999999999999999}}")
                .put("/api/v1/admin/settings").then().statusCode(400)
                .body("error", equalTo("The setting \"reshuffleIntervalMs\" must be a whole number of milliseconds."));
        assertEquals(3_600_000, settings.current().reshuffleIntervalMs(), "a refused interval was saved");

        // A year exactly is what the form's largest value means, and both routes take it.
        admin().contentType(ContentType.JSON).body("{\"frames\":{\"reshuffleIntervalMs\":31536000000}}")
                .put("/api/v1/admin/settings").then().statusCode(200).body("frames.reshuffleIntervalMs", equalTo(31536000000L));
        postConfig("{\"reshuffleInterval\":31536000000}").then().statusCode(200);
        admin().get("/api/admin/config").then().body("reshuffleInterval", equalTo(31536000000L));
    }

    /**
     * The admin page's route refuses a box the preprocessor cannot make, by the rule the ledger saves by
     * and with its reason, before anything is saved: neither the frame settings of the same request nor,
     * at the ledger, the renditions.
     */
    @Test
    void theAdminPageRefusesABoxThePreprocessorCannotMakeBeforeAnythingIsSaved() {
        long interval = settings.current().intervalMs();
        int ledgerWrites = Neighbours.LEDGER_WRITES.size();
        String tooWide = "{\"frames\":{\"intervalMs\":" + (interval + 1000) + "},\"renditions\":[{\"name\":\"display\","
                + "\"width\":16384,\"height\":1080,\"quality\":82}]}";

        admin().contentType(ContentType.JSON).body(tooWide).put("/api/v1/admin/settings").then().statusCode(400)
                .body("error", equalTo("rendition display: width and height must be 1-16383 (the largest WebP), not 16384x1080"));
        assertEquals(interval, settings.current().intervalMs(), "the frame settings of a refused request were saved");
        assertEquals(ledgerWrites, Neighbours.LEDGER_WRITES.size(), "a refused rendition set was sent to the ledger");
    }

    // ---- stats and reprocessing ----------------------------------------------------------------

    @Test
    void statsCountRawAsWaitingOrFailedAndProcessedAsTheList() {
        Response stats = admin().get("/api/admin/stats");
        stats.then().statusCode(200).body("raw", equalTo(3)).body("processed", instanceOf(Integer.class))
                .body("timestamp", instanceOf(Long.class));
        assertThat(stats.jsonPath().getLong("timestamp"), greaterThan(Instant.now().minusSeconds(60).toEpochMilli()));
    }

    @Test
    void reprocessIsActiveFromTheTriggerToTheRealEndAnd409InBetween() {
        Neighbours.LEDGER.photos = 3;
        admin().post("/api/admin/reprocess").then().statusCode(200)
                .body("status", equalTo("triggered"))
                .body("message", equalTo("Reprocessing started. Use /api/admin/reprocess-status to monitor."));
        assertThat(Neighbours.LEDGER_WRITES, hasItem("POST /api/v1/jobs/reprocess Bearer " + Neighbours.SERVICE_TOKEN));
        admin().get("/api/admin/reprocess-status").then().statusCode(200)
                .body("active", equalTo(true)).body("completed", equalTo(0)).body("failed", equalTo(0))
                .body("total", equalTo(3)).body("timestamp", instanceOf(Long.class));
        admin().post("/api/admin/reprocess").then().statusCode(409).body("error", equalTo("Reprocessing already in progress"));
        List<Boolean> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            boolean active = admin().get("/api/admin/reprocess-status").jsonPath().getBoolean("active");
            seen.add(active);
            return !active;
        });
        assertThat("active until the last photo, then inactive at once", seen, contains(true, true, false));
    }

    // ---- upload -------------------------------------------------------------------------------

    @Test
    void uploadsAreCheckedAllOrNothingThenForwardedToIngestWithTheAdminToken() {
        byte[] jpeg = new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};
        int before = Neighbours.UPLOADS.size();
        admin().multiPart("other", "x").post("/api/admin/upload").then().statusCode(400).body("error", equalTo("No files uploaded"));
        RequestSpecification eleven = admin();
        for (int i = 0; i < 11; i++) {
            eleven = eleven.multiPart("images", "p" + i + ".jpg", jpeg, "image/jpeg");
        }
        eleven.post("/api/admin/upload").then().statusCode(400).body("error", equalTo("Too many files (max 10)"));
        admin().multiPart("images", "a.jpg", jpeg, "image/jpeg").multiPart("images", "b.GIF", jpeg, "image/gif")
                .post("/api/admin/upload").then().statusCode(400).body("error", equalTo("Invalid extension: .gif"));
        admin().multiPart("images", "a.jpg", jpeg, "image/jpeg").multiPart("images", "b.png", jpeg, "image/gif")
                .post("/api/admin/upload").then().statusCode(400).body("error", equalTo("Invalid MIME type: image/gif"));
        assertEquals(before, Neighbours.UPLOADS.size(), "nothing from a refused request reached ingest");
        // a body that is not multipart: img-board's 400 with the reason, not the JSON routes' 415
        admin().contentType("application/json").body("{}").post("/api/admin/upload").then().statusCode(400)
                .body("error", equalTo("The upload must be multipart/form-data, each file in a part named images"));
        // a multipart body cut before its closing boundary: the client's error in img-board's shape, not a 500
        byte[] cut = ("--cut\r\nContent-Disposition: form-data; name=\"images\"; filename=\"c.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n\u00ff\u00d8\u00ff").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String route : List.of("/api/admin/upload", "/api/v1/admin/uploads")) {
            admin().contentType("multipart/form-data; boundary=cut").body(cut).post(route).then().statusCode(400)
                    .contentType(startsWith("application/json")).body("error", containsString("multipart body is malformed"));
        }
        // refused here, before ingest: listed where operators look, beside ingest's refusals
        admin().get("/api/v1/admin/rejections").then().statusCode(200)
                .body("rejections.find { it.name == 'a.jpg, b.GIF' }.reason", equalTo("img-board upload: Invalid extension: .gif"))
                .body("rejections.find { it.name == 'a.jpg, b.GIF' }.status", equalTo(400));

        admin().multiPart("images", "IMG 1.JPG", jpeg, "image/jpeg").post("/api/admin/upload").then().statusCode(200)
                .body("success", equalTo(true))
                .body("uploaded[0].original", equalTo("IMG 1.JPG"))
                .body("uploaded[0].saved", matchesPattern("\\d{13}-IMG_1\\.JPG"))
                .body("uploaded[0].size", equalTo(jpeg.length))
                .body("message", equalTo("1 file(s) uploaded. Processing will begin shortly."))
                .body("files[0].status", equalTo("created"));
        assertEquals(Map.of("name", "IMG 1.JPG", "contentType", "image/jpeg", "size", jpeg.length),
                Neighbours.UPLOADS.get(Neighbours.UPLOADS.size() - 1));
        assertThat(Neighbours.INGEST_AUTHORIZATIONS.get(Neighbours.INGEST_AUTHORIZATIONS.size() - 1),
                equalTo("Bearer " + Neighbours.ADMIN_TOKEN));
    }

    /**
     * Past the contract's checks, ingest looks inside each file. A file it refuses is not reported as
     * uploaded: {@code uploaded} lists the kept files only, {@code refused} the others with the reason,
     * and a request that keeps nothing is a 400 that says why.
     */
    @Test
    void aFileIngestRefusesForItsContentIsReportedAsRefusedNotUploaded() {
        byte[] jpeg = new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};
        admin().multiPart("images", "good.jpg", jpeg, "image/jpeg").multiPart("images", "not-a-photo.jpg", jpeg, "image/jpeg")
                .post("/api/admin/upload").then().statusCode(200)
                .body("success", equalTo(true))
                .body("uploaded.original", contains("good.jpg"))
                .body("refused.original", contains("not-a-photo.jpg"))
                .body("refused[0].error", equalTo("not an image: its bytes are neither JPEG nor PNG"))
                .body("message", equalTo("1 file(s) uploaded. Processing will begin shortly. 1 file(s) not kept: "
                        + "not-a-photo.jpg (not an image: its bytes are neither JPEG nor PNG)."))
                .body("files.status", contains("created", "rejected"));
        admin().multiPart("images", "not-a-photo.jpg", jpeg, "image/jpeg").post("/api/admin/upload").then().statusCode(400)
                .body("error", equalTo("not an image: its bytes are neither JPEG nor PNG"))
                .body("refused.original", contains("not-a-photo.jpg"))
                .body("success", nullValue());
        admin().multiPart("images", "not-a-photo-1.png", jpeg, "image/png").multiPart("images", "not-a-photo-2.jpg", jpeg, "image/jpeg")
                .post("/api/admin/upload").then().statusCode(400)
                .body("error", equalTo("No file was kept: not-a-photo-1.png (not an image: its bytes are neither JPEG nor PNG); "
                        + "not-a-photo-2.jpg (not an image: its bytes are neither JPEG nor PNG)"))
                .body("uploaded", nullValue());
    }

    // ---- the event stream ----------------------------------------------------------------------

    @Test
    void immediateModeSendsAddAndRemoveBatchedModeSendsReshuffles() throws Exception {
        postConfig("{\"reshuffleInterval\":0}").then().statusCode(200);
        UUID photoId = UUID.randomUUID();
        Renditions.put(photoId, "display", Renditions.fixture());
        String name = "sunset-" + hex12(photoId) + ".webp";
        try (SseClient frame = SseClient.open(events); Catalog catalog = new Catalog()) {
            assertEquals(200, frame.response().statusCode());
            assertThat(frame.response().headers().firstValue("Content-Type").orElse(""), startsWith("text/event-stream"));
            assertEquals("no-cache", frame.response().headers().firstValue("Cache-Control").orElse(""));
            assertEquals("no", frame.response().headers().firstValue("X-Accel-Buffering").orElse(""));
            SseClient.Event connected = frame.await(SseClient.named("connected"));
            assertEquals("{}", connected.data());
            assertEquals(connected, frame.events().get(0), "connected comes first");

            catalog.publish(Catalog.named(photoId, "sunset.jpg", Instant.parse("2021-07-01T20:00:00Z")));
            SseClient.Event add = frame.await(SseClient.named("add", name));
            assertEquals("{\"filename\":\"" + name + "\"}", add.data());
            given().get("/images/" + name).then().statusCode(200);
            // Reprocessed (same photo, new rendition): same name, no event.
            catalog.publish(Catalog.named(photoId, "sunset.jpg", Instant.parse("2021-07-01T20:00:00Z")));
            catalog.retire(photoId);
            SseClient.Event remove = frame.await(SseClient.named("remove", name));
            assertEquals("{\"filename\":\"" + name + "\"}", remove.data());
            given().get("/images/" + name).then().statusCode(404);
            assertEquals(1, frame.events().stream().filter(SseClient.named("add", name)).count());

            // Reconnecting with Last-Event-ID: what was missed since the add, in order.
            try (SseClient again = SseClient.open(events, Map.of("Last-Event-ID", add.id()))) {
                again.await(SseClient.named("remove", name));
                assertEquals(List.of("connected", "remove"), again.events().stream().map(SseClient.Event::name).toList());
            }
            // An id from another life of the display (above or below this life's ids): one reshuffle with the whole list.
            for (String earlier : new String[]{"999999999", "1", Long.toString(Long.parseLong(add.id()) * 2)}) {
                try (SseClient stranger = SseClient.open(events, Map.of("Last-Event-ID", earlier))) {
                    stranger.await(SseClient.named("reshuffle"));
                    assertEquals("connected", stranger.events().get(0).name(), earlier);
                    assertEquals(List.of("connected", "reshuffle"), stranger.events().stream().map(SseClient.Event::name).toList(), earlier);
                }
            }

            // N > 0: no add/remove, a reshuffle every N ms with the full list; N -> 0 flushes one at once.
            postConfig("{\"reshuffleInterval\":1000}").then().statusCode(200);
            long reshuffles = frame.events().stream().filter(SseClient.named("reshuffle")).count();
            await().atMost(Duration.ofSeconds(30)).until(() -> frame.events().stream().filter(SseClient.named("reshuffle")).count(),
                    greaterThan(reshuffles + 1));
            UUID batched = UUID.randomUUID();
            Renditions.put(batched, "display", Renditions.fixture());
            catalog.publish(Catalog.named(batched, "batched.png", null));
            String batchedName = "batched-" + hex12(batched) + ".webp";
            frame.await(SseClient.named("reshuffle", batchedName));
            assertThat(frame.events().stream().filter(SseClient.named("add", batchedName)).count(), equalTo(0L));
            // Keepalive comments (every heartbeat, 2 s in tests).
            assertThat(frame.lines(), hasItem(": keepalive"));
            // Framed as section 3 shows it, a space after each colon: scripts that read "data: " lines rely on it.
            assertThat("only img-board's fields (id, event, data, retry, comments), each as the contract writes it",
                    frame.lines(), everyItem(matchesPattern("(|id: [0-9]+|event: [a-z-]+|data: \\{.*\\}|retry: [0-9]+|: keepalive)")));
            assertThat(frame.lines(), hasItem("event: connected"));
            assertThat(frame.lines(), hasItem("data: {}"));
            catalog.retire(batched);
        }
    }

    @Test
    void orderedModeListsByCaptureTimeThenName() throws Exception {
        postConfig("{\"randomOrder\":false}").then().statusCode(200);
        UUID early = UUID.randomUUID();
        UUID late = UUID.randomUUID();
        for (UUID id : List.of(early, late)) {
            Renditions.put(id, "display", Renditions.fixture());
        }
        try (Catalog catalog = new Catalog()) {
            catalog.publish(Catalog.named(late, "late.jpg", Instant.parse("1901-01-02T00:00:00Z")));
            catalog.publish(Catalog.named(early, "early.jpg", Instant.parse("1901-01-01T00:00:00Z")));
        }
        String earlyName = "early-" + hex12(early) + ".webp";
        String lateName = "late-" + hex12(late) + ".webp";
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/api/images").jsonPath().getList("$", String.class),
                hasItems(earlyName, lateName));
        List<String> first = given().get("/api/images").jsonPath().getList("$", String.class);
        assertThat(first.subList(0, 2), contains(earlyName, lateName));
        assertEquals(first, given().get("/api/images").jsonPath().getList("$", String.class), "the same set, the same order");
    }

    /**
     * A photo without a capture time comes after every dated one, ordered by when it joined the library, not by
     * when it was last published: hidden and shown again (a new publication), it keeps its place, so the same
     * photos give the same order. Before, it moved to the end.
     */
    @Test
    void anUndatedPhotoKeepsItsPlaceInTheOrderedListWhenHiddenAndShownAgain() throws Exception {
        postConfig("{\"randomOrder\":false}").then().statusCode(200);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        for (UUID id : List.of(first, second)) {
            Renditions.put(id, "display", Renditions.fixture());
        }
        // without a date: after every dated photo, in the order they arrived (before the other tests' undated ones)
        PhotoPublished firstPhoto = undated(first, "first-arrived.jpg", Instant.parse("1900-01-01T00:00:00Z"));
        PhotoPublished secondPhoto = undated(second, "second-arrived.jpg", Instant.parse("1900-01-02T00:00:00Z"));
        String firstName = "first-arrived-" + hex12(first) + ".webp";
        String secondName = "second-arrived-" + hex12(second) + ".webp";
        try (Catalog catalog = new Catalog()) {
            catalog.publish(secondPhoto); // published first, arrived second
            catalog.publish(firstPhoto);
            await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/api/images").jsonPath().getList("$", String.class),
                    hasItems(firstName, secondName));
            assertThat(afterTheDated(firstName), contains(firstName, secondName));

            catalog.retire(first); // hidden
            await().atMost(Duration.ofSeconds(60)).until(() -> !given().get("/api/images").jsonPath()
                    .getList("$", String.class).contains(firstName));
            catalog.publish(undated(first, "first-arrived.jpg", firstPhoto.arrivedAt())); // shown again: published anew, now
            await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/api/images").jsonPath().getList("$", String.class),
                    hasItems(firstName));
            assertThat(afterTheDated(firstName), contains(firstName, secondName));
            catalog.retire(first);
            catalog.retire(second);
        }
    }

    /**
     * The two names of {@code /api/images} (in capture order) from {@code name} on, once every photo with a date
     * is listed before it (none of the display's dated photos comes at or after it).
     */
    private static List<String> afterTheDated(String name) {
        List<String> names = given().get("/api/images").jsonPath().getList("$", String.class);
        int dated = given().get("/api/v1/playlist").jsonPath().getList("photos.findAll { it.capturedAt != null }").size();
        int at = names.indexOf(name);
        assertTrue(at >= dated, name + " at " + at + ", after the " + dated + " dated photos");
        return names.subList(at, Math.min(at + 2, names.size()));
    }

    private static PhotoPublished undated(UUID id, String name, Instant arrivedAt) {
        PhotoPublished p = Catalog.named(id, name, null);
        return new PhotoPublished(p.eventId(), Instant.now(), id, p.sha256(), p.renditions(), p.width(), p.height(), null,
                p.placeholder(), name, arrivedAt, p.sourceIds(), p.deviceIds());
    }

    private static String hex12(UUID id) {
        return id.toString().replace("-", "").substring(0, 12);
    }

    /** The newest value under the frames key on the settings topic. */
    private static java.util.Optional<String> lastSettings() {
        TopicPartition partition = new TopicPartition(Topics.SETTINGS, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Catalog.bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            String last = null;
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if ("frames".equals(record.key())) {
                        last = record.value();
                    }
                }
            }
            return java.util.Optional.ofNullable(last);
        }
    }
}
