package io.imgboard.display.rest;

import io.imgboard.display.support.Neighbours;
import io.quarkus.test.junit.QuarkusTest;
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
 * The admin and ops queries. In tests the ledger and preprocessor are down (nothing listens on their
 * port) and ingest is a small stand-in that checks the upload token (see {@link Neighbours}).
 */
@QuarkusTest
class AdminOpsTest {

    @Test
    void failuresWithTheLedgerDownAre502JsonSayingSo() {
        given().get("/api/v1/admin/failures").then()
                .statusCode(502)
                .contentType("application/json")
                .body("status", equalTo(502))
                .body("error", startsWith("ledger is unreachable at http://127.0.0.1:"))
                .body("error", containsString("/api/v1/failures"))
                .body(not(containsString("Exception")));
    }

    @Test
    void statsWithTheLedgerDownAre502Json() {
        given().get("/api/v1/ops/stats").then()
                .statusCode(502)
                .contentType("application/json")
                .body("error", containsString("ledger"));
    }

    @Test
    void rejectionsAreFetchedFromIngestWithTheUploadToken() {
        given().get("/api/v1/admin/rejections").then()
                .statusCode(200)
                .body("configured", equalTo(true))
                .body("rejections[0].name", equalTo("notes.txt"))
                .body("rejections[0].reason", equalTo("not an image"))
                .body("rejections[0].status", equalTo(415));
        org.hamcrest.MatcherAssert.assertThat(Neighbours.INGEST_AUTHORIZATIONS,
                hasItem("Bearer " + Neighbours.UPLOAD_TOKEN));
    }

    @Test
    void healthListsEveryServiceAndCallsTheDownOnesUnreachable() {
        given().get("/api/v1/ops/health").then()
                .statusCode(200)
                .body("services.name", hasItems("ingest", "ledger", "preprocessor", "display"))
                .body("services.find { it.name == 'ingest' }.status", equalTo("UP"))
                .body("services.find { it.name == 'ingest' }.checks[0].name", equalTo("originals bucket"))
                .body("services.find { it.name == 'ledger' }.status", equalTo("UNREACHABLE"))
                .body("services.find { it.name == 'ledger' }.error", containsString("connection refused"))
                .body("services.find { it.name == 'preprocessor' }.status", equalTo("UNREACHABLE"))
                .body("services.find { it.name == 'display' }.status", equalTo("UP"))
                .body("services.find { it.name == 'display' }.url", containsString("/q/health"))
                .body("services.find { it.name == 'display' }.error", nullValue())
                .body("services.find { it.name == 'display' }.checks.name", hasItems("s3", "catalog"));
    }

    @Test
    void displayStatusCountsPhotosAndStreams() {
        given().get("/api/v1/ops/display").then()
                .statusCode(200)
                .body("catalogLoaded", equalTo(true))
                .body("photos", org.hamcrest.Matchers.greaterThanOrEqualTo(0))
                .body("clients", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
    }
}
