package io.imgboard.display.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** The static pages: the frame at /, admin and ops, each with and without a trailing slash. */
@QuarkusTest
class PagesTest {

    @Test
    void theFramePageIsServedAtTheRootAndMayBeFramed() {
        given().get("/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("X-Frame-Options", nullValue())
                .body(containsString("<script src=\"/frame.js\"></script>"))
                .body(containsString("waiting for photos"));
        given().get("/frame.js").then().statusCode(200)
                .body(containsString("new EventSource(eventsUrl())"))
                .body(containsString("'/api/v1/events?frame='"))
                .body(containsString("'page'"))
                .body(containsString("'add'"))
                .body(containsString("'remove'"));
        given().get("/frame.css").then().statusCode(200).body(containsString("object-fit: contain"));
    }

    /** A frame name from the URL is the visitor's text: markup escaped, control and bidi characters shown as such. */
    @Test
    void aMissingFramesPageShowsItsNameAsText() {
        given().urlEncodingEnabled(false).get("/frames/x%00%3Cb%3E%E2%80%AEy").then().statusCode(404)
                .contentType(startsWith("text/html"))
                .body(containsString("There is no frame called &ldquo;x\u27e8U+0000\u27e9&lt;b&gt;\u27e8U+202E\u27e9y&rdquo;"))
                .body(not(containsString("\u0000")));
    }

    @Test
    void theAdminPageShellIsServedAtAdminSlash() {
        for (String path : new String[]{"/admin/"}) {
            given().get(path).then().statusCode(200)
                    .contentType(startsWith("text/html"))
                    .body(containsString("/admin.js"))
                    .body(containsString("Refused uploads"));
        }
        given().get("/admin.js").then().statusCode(200)
                .body(containsString("/api/v1/admin/failures"))
                .body(containsString("/api/v1/admin/rejections"))
                .body(not(containsString("innerHTML")));
    }

    @Test
    void theOpsPageIsServedWithAndWithoutSlash() {
        for (String path : new String[]{"/ops", "/ops/"}) {
            given().get(path).then().statusCode(200)
                    .contentType(startsWith("text/html"))
                    .body(containsString("/ops.js"));
        }
        given().get("/ops.js").then().statusCode(200)
                .body(containsString("/api/v1/ops/health"))
                .body(containsString("/api/v1/ops/stats"));
    }

    @Test
    void theAdminAndOpsPagesSendTheStoredAdminTokenAndAskForItOn401() {
        given().get("/pages.js").then().statusCode(200)
                .body(containsString("localStorage"))
                .body(containsString("'Bearer ' + token"))
                .body(containsString("response.status === 401"))
                .body(containsString("token-form"));
    }

    @Test
    void pagesAreRevalidatedNotCachedAsImmutable() {
        given().get("/frame.js").then().header("Cache-Control", not(containsString("immutable")));
    }
}
