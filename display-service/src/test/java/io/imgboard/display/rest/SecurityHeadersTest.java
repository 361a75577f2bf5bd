package io.imgboard.display.rest;

import io.imgboard.display.service.Playlist;
import io.imgboard.display.support.AdminNeighbours;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.Neighbours;
import io.imgboard.display.support.Renditions;
import io.imgboard.infra.testing.Chromium;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.infra.testing.RawHttp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The display's hardening headers ({@link SecurityHeaders}): the admin and ops pages refuse to be framed
 * (clickjacking) under a policy they work with, while the frame pages, their streams and media stay
 * frameable for DAKboard; {@code nosniff} on every answer; {@code no-store} on every admin API answer, the
 * device token's first of all. Over HTTP, and in real headless Chromium, which must refuse to show the
 * admin and ops pages in an iframe and show the frame pages.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AdminNeighbours.class, restrictToAnnotatedClass = true)
class SecurityHeadersTest {
    private static final UUID PHOTO = UUID.randomUUID();
    private static Catalog catalog;

    @TestHTTPResource("/")
    URI root;

    @Inject
    Playlist playlist;

    @BeforeAll
    static void aPhotoOnTheFrames() throws Exception {
        Renditions.put(PHOTO, "display", Renditions.fixture());
        catalog = new Catalog();
        catalog.publish(Catalog.named(PHOTO, "harbour.jpg", Instant.parse("2021-06-01T10:00:00Z")));
    }

    /** Here, not in {@link #aPhotoOnTheFrames}: RestAssured knows this application's port only from now on. */
    @BeforeEach
    void published() {
        await().atMost(Duration.ofSeconds(60)).until(() -> playlist.photo(PHOTO).isPresent());
    }

    @AfterAll
    static void retire() throws Exception {
        catalog.retire(PHOTO);
        catalog.close();
    }

    private static RawHttp.Raw raw(String method, String path) throws Exception {
        return RawHttp.send(URI.create(RestAssured.baseURI).getHost(), RestAssured.port, method + " " + path + " HTTP/1.1",
                List.of(), new byte[0]);
    }

    /** The head of an answer that never ends (an event stream): read up to the blank line, then hung up. */
    private static RawHttp.Raw streamHead(String path) throws Exception {
        try (Socket socket = new Socket(URI.create(RestAssured.baseURI).getHost(), RestAssured.port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            return new RawHttp.Raw(Integer.parseInt(text.substring(9, 12)), text, "");
        }
    }

    private static void assertNotFramable(String path, RawHttp.Raw r) {
        assertEquals("DENY", r.header("X-Frame-Options"), path + ":\n" + r.head());
        assertEquals(SecurityHeaders.PAGE_POLICY, r.header("Content-Security-Policy"), path + ":\n" + r.head());
        assertThat(path, r.header("Content-Security-Policy"), containsString("frame-ancestors 'none'"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"), path + ":\n" + r.head());
    }

    private static void assertFramable(String path, RawHttp.Raw r) {
        assertNull(r.header("X-Frame-Options"), path + ":\n" + r.head());
        assertNull(r.header("Content-Security-Policy"), path + ":\n" + r.head());
        assertEquals("nosniff", r.header("X-Content-Type-Options"), path + ":\n" + r.head());
    }

    /**
     * A request refused before routing is counted under uri UNKNOWN, not its own path: whoever knocks must not
     * write their text into /q/metrics (nor fill Micrometer's 100 paths, after which real routes go unrecorded).
     */
    @Test
    void aRefusedPathIsNotWrittenIntoTheMetrics() {
        String knock = "knock-" + UUID.randomUUID();
        given().get("/api/v1/admin/" + knock).then().statusCode(401);
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/q/metrics").asString(),
                containsString("status=\"401\",uri=\"UNKNOWN\""));
        assertThat(given().get("/q/metrics").asString(), not(containsString(knock)));
    }

    @Test
    void theAdminAndOpsPagesAndEverySpellingOfThemRefuseToBeFramed() throws Exception {
        for (String path : new String[]{"/admin/", "/admin/index.html", "/admin.html", "/ops", "/ops/", "/ops/index.html",
                // the spellings the routers forgive reach the same pages
                "//admin/", "/ops;x", "/x/../ops", "/%61dmin.html", "/ops/"}) {
            RawHttp.Raw page = raw("GET", path);
            assertEquals(200, page.status(), path + ":\n" + page.head());
            assertThat(path, page.contentType(), containsString("text/html"));
            assertNotFramable(path, page);
        }
        RawHttp.Raw redirect = raw("GET", "/admin"); // img-board's 302 to /admin.html
        assertEquals(302, redirect.status());
        assertNotFramable("/admin", redirect);
        assertNotFramable("HEAD /admin.html", raw("HEAD", "/admin.html"));
        // the page no longer carries an inline style block the policy would refuse
        assertThat(raw("GET", "/admin/").body(), not(containsString("<style")));
        assertThat(raw("GET", "/ops").body(), not(containsString("<style")));
        assertThat(raw("GET", "/admin/").body(), not(containsString("style=")));
    }

    @Test
    void theFramePagesTheirStreamsAndMediaMayBeFramedAnywhere() throws Exception {
        String name = given().get("/api/images").jsonPath().getList("$", String.class).stream()
                .filter(n -> n.startsWith("harbour-")).findFirst().orElseThrow();
        for (String path : new String[]{"/", "/index.html", "/frames/default", "/frames/no-such-frame", "/frame.js",
                "/media/" + PHOTO + "/display.webp?v=1", "/images/" + name, "/api/images", "/api/v1/playlist",
                "/api/v1/frames/default/next?limit=1"}) {
            RawHttp.Raw r = raw("GET", path);
            assertTrue(r.status() == 200 || path.equals("/frames/no-such-frame") && r.status() == 404, path + ":\n" + r.head());
            assertFramable(path, r);
        }
        for (String stream : new String[]{"/api/v1/events", "/api/v1/events?frame=default", "/api/events"}) {
            RawHttp.Raw r = streamHead(stream);
            assertEquals(200, r.status(), stream + ":\n" + r.head());
            assertThat(stream, r.contentType(), containsString("text/event-stream"));
            assertFramable(stream, r);
        }
    }

    @Test
    void everyAnswerIsSentWithNosniff() throws Exception {
        for (String path : new String[]{"/admin.js", "/admin.css", "/pages.css", "/pages.js", "/frame.css", "/favicon.svg",
                "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "/health", "/q/health/live", "/q/metrics", "/q/openapi",
                "/no-such-thing", "/media/not-a-uuid/display.webp", "/api/v1/admin/settings", "/api/admin/config"}) {
            RawHttp.Raw r = raw("GET", path);
            assertEquals("nosniff", r.header("X-Content-Type-Options"), path + " (" + r.status() + "):\n" + r.head());
        }
        // A stylesheet and a script are sent as what they are, so nosniff lets the browser use them.
        assertThat(raw("GET", "/admin.css").contentType(), containsString("text/css"));
        assertThat(raw("GET", "/admin.js").contentType(), containsString("javascript"));
    }

    @Test
    void noAdminAnswerIsStoredTheNewDeviceTokenLeastOfAll() throws Exception {
        AdminNeighbours.INGEST.answer("POST /api/v1/devices", 201, "{\"name\":\"hall-tablet\",\"token\":\"dev_Once4Only9Xq\"}");
        Response created = given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"name\":\"hall-tablet\"}").post("/api/v1/admin/devices");
        created.then().statusCode(201).body("token", equalTo("dev_Once4Only9Xq"));
        assertEquals("no-store", created.header("Cache-Control"));
        assertEquals("nosniff", created.header("X-Content-Type-Options"));

        // The named frames are admin data too (AdminAccess guards /api/v1/frames but a frame's own next).
        given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON).body("{}")
                .put("/api/v1/frames/no-store-hall").then().statusCode(201).header("Cache-Control", "no-store");

        String admin = "Authorization: Bearer " + Neighbours.ADMIN_TOKEN;
        for (String path : new String[]{"/api/v1/admin/settings", "/api/v1/admin/devices", "/api/v1/admin/failures",
                "/api/v1/admin/photos", "/api/admin/config", "/api/admin/stats", "/api/v1/ops/display", "/api/v1/ops/frames",
                "/api/v1/frames", "/api/v1/frames/no-store-hall", "/api/v1/frames/no-such-frame",
                // the spellings the routers forgive, and the trailing slash
                "//api/v1/admin/settings", "/api;x/v1/admin/settings", "/API/admin/config", "/api/v1/ops/display/",
                "/api/v1/frames/", "//api/v1/frames/no-store-hall", "/api/v1/frames/no-store-hall/NEXT"}) {
            for (List<String> headers : List.of(List.of(admin), List.<String>of())) { // with the token, and refused without
                RawHttp.Raw r = RawHttp.send(URI.create(RestAssured.baseURI).getHost(), RestAssured.port,
                        "GET " + path + " HTTP/1.1", headers, new byte[0]);
                assertEquals("no-store", r.header("Cache-Control"), path + " " + headers + " (" + r.status() + "):\n" + r.head());
            }
        }
        given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).delete("/api/v1/frames/no-store-hall").then()
                .statusCode(204).header("Cache-Control", "no-store");
        // The frames' own data keeps its caching: it is not admin data.
        assertThat(raw("GET", playlist.photo(PHOTO).orElseThrow().renditions().get("display")).header("Cache-Control")
                .toLowerCase(Locale.ROOT), containsString("immutable"));
    }

    /**
     * In real Chromium, an iframe of a page of this display's own origin (a framing site cannot do more):
     * the admin and ops pages are refused, the frame pages and a photo are shown.
     */
    @Test
    void chromiumRefusesToFrameTheAdminAndOpsPagesAndFramesTheFramePages() throws Exception {
        assertTrue(Chromium.binary().isPresent(), "Debian's chromium is not installed (./imgboard test installs it)");
        List<String> refused = List.of("/admin/", "/admin.html", "/ops");
        List<String> shown = List.of("/frames/default", "/?interval=30", "/media/" + PHOTO + "/display.webp");
        try (Chromium browser = Chromium.start("1280", "720")) {
            browser.open(root + "frames/default");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> browser.eval("document.readyState === 'complete'").asBoolean());
            StringBuilder add = new StringBuilder("(function () {");
            for (String src : concat(refused, shown)) {
                add.append("var f = document.createElement('iframe'); f.src = '").append(src).append("';")
                        .append(" f.setAttribute('data-src', '").append(src).append("'); document.body.appendChild(f);");
            }
            browser.eval(add.append(" return true; })()").toString());
            // Refused: the iframe holds Chromium's error page, of no origin the parent may read (null). Shown:
            // the page itself, loaded.
            String state = "(function (src) { var f = document.querySelector('iframe[data-src=\"' + src + '\"]');"
                    + " var d = f.contentDocument; if (d === null) { return 'refused'; }"
                    + " return d.URL.indexOf(src.split('?')[0]) >= 0 && d.readyState === 'complete' ? 'shown' : 'loading'; })";
            for (String src : refused) {
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval(state + "('" + src + "')").asText(), equalTo("refused"));
            }
            for (String src : shown) {
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.eval(state + "('" + src + "')").asText(), equalTo("shown"));
            }
            // the frame page in its iframe runs: it shows a photo
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> browser.eval(
                    "document.querySelector('iframe[data-src=\"/frames/default\"]').contentWindow.imgboardFrame().currentId")
                    .isTextual());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
