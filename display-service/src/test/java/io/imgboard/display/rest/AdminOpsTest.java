package io.imgboard.display.rest;

import io.imgboard.display.support.Neighbours;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * The admin and ops queries, which want the admin token. In tests the ledger is a stand-in whose failures list and health
 * answer 503, the preprocessor is down (nothing listens on its port) and ingest is a small stand-in that checks the admin
 * token (see {@link Neighbours}).
 */
@QuarkusTest
class AdminOpsTest {
    /** Rejection requests ingest has seen when the 401 test starts (other tests here do ask it). */
    private int rejectionsAsked;

    @org.junit.jupiter.api.BeforeEach
    void countIngestCalls() {
        rejectionsAsked = Neighbours.INGEST_AUTHORIZATIONS.size();
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN);
    }

    @Test
    void theAdminAndOpsApisAre401JsonWithoutTheAdminToken() {
        for (String path : new String[]{"/api/v1/admin/failures", "/api/v1/admin/rejections", "/api/v1/ops/health",
                "/api/v1/ops/stats", "/api/v1/ops/display", "/api/v1/ops/lag", "/api/v1/ops/throughput",
                "/api/v1/ops/sources", "/api/v1/ops/services", "/api/v1/ops/frames", "/api/v1/ops/dead-letters",
                "/api/v1/ops/skipped"}) {
            for (String authorization : new String[]{null, "Bearer wrong-token", "Bearer " + Neighbours.UPLOAD_TOKEN,
                    "Bearer ", "Basic " + Neighbours.ADMIN_TOKEN, Neighbours.ADMIN_TOKEN, "Bearer " + Neighbours.ADMIN_TOKEN + "x"}) {
                RequestSpecification request = authorization == null ? given() : given().header("Authorization", authorization);
                request.get(path).then()
                        .statusCode(401)
                        .contentType("application/json")
                        .header("WWW-Authenticate", startsWith("Bearer"))
                        .body("status", equalTo(401))
                        .body("error", equalTo("admin token required: send Authorization: Bearer <token>"));
            }
        }
        for (String authorization : new String[]{null, "Bearer wrong-token", "Bearer " + Neighbours.UPLOAD_TOKEN,
                "Bearer " + Neighbours.SERVICE_TOKEN}) {
            RequestSpecification request = authorization == null ? given() : given().header("Authorization", authorization);
            request.post("/api/v1/ops/dead-letters/1/replay").then()
                    .statusCode(401)
                    .contentType("application/json")
                    .body("error", equalTo("admin token required: send Authorization: Bearer <token>"));
        }
        org.hamcrest.MatcherAssert.assertThat("nothing reached ingest without the admin token",
                Neighbours.INGEST_AUTHORIZATIONS.size(), equalTo(rejectionsAsked));
    }

    /**
     * Without the token, the 401 comes before anything else the request gets wrong: a body that is not JSON (or not
     * multipart) on the routes that want one, a method the route does not take, a path that is no route. So a stranger
     * learns nothing about the admin routes; with the token the same requests get their 415, 405 and 404.
     */
    @Test
    void withoutTheTokenThe401ComesBeforeTheRoutesOwnRefusals() {
        String[][] requests = {
                {"PUT", "/api/v1/frames/kitchen", "415"}, {"POST", "/api/v1/admin/sources", "415"},
                {"PUT", "/api/v1/admin/sources/nas", "415"}, {"POST", "/api/v1/admin/devices", "415"},
                {"PUT", "/api/v1/admin/export", "415"}, {"POST", "/api/v1/admin/uploads", "415"},
                {"PATCH", "/api/v1/admin/settings", "405"}, {"POST", "/api/v1/frames/kitchen", "405"},
                {"DELETE", "/api/v1/ops/health", "405"}, {"GET", "/api/v1/admin/nothing-here", "404"},
                {"GET", "/api/v1/frames/kitchen/nothing", "404"}, {"GET", "//api/v1/ops;x/nothing", "404"}};
        for (String[] r : requests) {
            given().contentType("text/plain").body("x").request(r[0], r[1]).then()
                    .statusCode(401)
                    .contentType("application/json")
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .body("error", equalTo("admin token required: send Authorization: Bearer <token>"));
            admin().contentType("text/plain").body("x").request(r[0], r[1]).then()
                    .statusCode(Integer.parseInt(r[2]));
        }
        // a frame's own window stays open to frames
        given().get("/api/v1/frames/default/next").then().statusCode(200);
    }

    @Test
    void withTheAdminTokenTheyAnswer() {
        admin().get("/api/v1/ops/display").then().statusCode(200).body("catalogLoaded", equalTo(true));
        given().header("Authorization", "bearer  " + Neighbours.ADMIN_TOKEN + " ").get("/api/v1/ops/display")
                .then().statusCode(200);
    }

    @Test
    void framesStayAnonymous() {
        given().get("/").then().statusCode(200);
        given().get("/api/v1/playlist").then().statusCode(200);
        given().get("/media/{id}/display.webp", java.util.UUID.randomUUID()).then().statusCode(404);
        given().get("/admin/").then().statusCode(200);
        given().get("/ops").then().statusCode(200);
    }

    @Test
    void failuresWithTheLedgerFailingAre502JsonSayingSo() {
        admin().get("/api/v1/admin/failures").then()
                .statusCode(502)
                .contentType("application/json")
                .body("status", equalTo(502))
                .body("error", startsWith("ledger answered HTTP 503 (database unavailable) at http://127.0.0.1:"))
                .body("error", containsString("/api/v1/failures"))
                .body(not(containsString("Exception")));
    }

    /**
     * A ledger that sends its answer's headers and then stalls: the JDK client's own timeout is over once
     * headers come, so without a bound on the whole answer the ops page's request would hang with it.
     */
    @Test
    void statsFromALedgerThatStallsMidAnswerAre502WithinTheUpstreamTimeout() {
        Neighbours.LEDGER.stallStats();
        try {
            long started = System.nanoTime();
            admin().get("/api/v1/ops/stats").then()
                    .statusCode(502)
                    .body("error", startsWith("ledger is unreachable at http://127.0.0.1:"))
                    .body("error", containsString("(no answer within 5 s)"));
            long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            org.junit.jupiter.api.Assertions.assertTrue(seconds < 30, "answered after " + seconds + " s");
        } finally {
            Neighbours.LEDGER.releaseStats();
        }
        admin().get("/api/v1/ops/stats").then().statusCode(200).body("photos", equalTo(7));
    }

    @Test
    void theAdminPagesUploadsGoToIngestWhateverTheirFormatAndComeBackWithIngestsAnswer() {
        byte[] heic = "....ftypheic".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        given().multiPart("file", "IMG_0002.HEIC", heic, "image/heic").post("/api/v1/admin/uploads").then().statusCode(401);
        given().header("Authorization", "Bearer " + Neighbours.UPLOAD_TOKEN).multiPart("file", "IMG_0002.HEIC", heic, "image/heic")
                .post("/api/v1/admin/uploads").then().statusCode(401);
        int before = Neighbours.UPLOADS.size();
        admin().multiPart("file", "IMG_0002.HEIC", heic, "image/heic").post("/api/v1/admin/uploads").then()
                .statusCode(201).body("files[0].name", equalTo("IMG_0002.HEIC")).body("files[0].status", equalTo("created"));
        org.junit.jupiter.api.Assertions.assertEquals(before + 1, Neighbours.UPLOADS.size());
        admin().multiPart("file", "not-a-photo.heic", heic, "image/heic").post("/api/v1/admin/uploads").then()
                .statusCode(415).body("files[0].status", equalTo("rejected"))
                .body("files[0].error", containsString("not an image"));
        admin().multiPart("other", "x").post("/api/v1/admin/uploads").then().statusCode(400)
                .body("error", containsString("multipart parts named file"));
    }

    @Test
    void rejectionsAreFetchedFromIngestWithTheAdminTokenNeverTheUploadToken() {
        admin().get("/api/v1/admin/rejections").then()
                .statusCode(200)
                .body("configured", equalTo(true))
                .body("rejections[0].name", equalTo("notes.txt"))
                .body("rejections[0].reason", equalTo("not an image"))
                .body("rejections[0].status", equalTo(415));
        org.hamcrest.MatcherAssert.assertThat(Neighbours.INGEST_AUTHORIZATIONS,
                hasItem("Bearer " + Neighbours.ADMIN_TOKEN));
        org.hamcrest.MatcherAssert.assertThat(Neighbours.INGEST_AUTHORIZATIONS,
                not(hasItem("Bearer " + Neighbours.UPLOAD_TOKEN)));
    }

    @Test
    void healthListsEveryServiceAndCallsTheDownOnesUnreachable() {
        admin().get("/api/v1/ops/health").then()
                .statusCode(200)
                .body("services.name", hasItems("ingest", "ledger", "preprocessor", "display"))
                .body("services.find { it.name == 'ingest' }.status", equalTo("UP"))
                .body("services.find { it.name == 'ingest' }.checks[0].name", equalTo("originals bucket"))
                .body("services.find { it.name == 'ledger' }.status", equalTo("DOWN"))
                .body("services.find { it.name == 'preprocessor' }.status", equalTo("UNREACHABLE"))
                .body("services.find { it.name == 'preprocessor' }.error", containsString("connection refused"))
                .body("services.find { it.name == 'display' }.status", equalTo("UP"))
                .body("services.find { it.name == 'display' }.url", containsString("/q/health"))
                .body("services.find { it.name == 'display' }.error", nullValue())
                .body("services.find { it.name == 'display' }.checks.name", hasItems("s3", "catalog"));
    }

    @Test
    void displayStatusCountsPhotosAndStreams() {
        admin().get("/api/v1/ops/display").then()
                .statusCode(200)
                .body("catalogLoaded", equalTo(true))
                .body("photos", org.hamcrest.Matchers.greaterThanOrEqualTo(0))
                .body("clients", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
    }
}
