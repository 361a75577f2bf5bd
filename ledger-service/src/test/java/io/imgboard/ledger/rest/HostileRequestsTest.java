package io.imgboard.ledger.rest;

import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile request corpus of issue 12 against the ledger's API: JSON of the wrong shape to every
 * route that takes a body, and hostile path and query values. Each must be a 4xx with a JSON error a
 * person can read and no stack trace, and the ledger must keep answering.
 */
@QuarkusTest
@QuarkusTestResource(LocalInfraResource.class)
class HostileRequestsTest {
    @ConfigProperty(name = "imgboard.service.token")
    String serviceToken;

    @AfterEach
    void theLedgerStillAnswers() {
        given().get("/api/v1/stats").then().statusCode(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "POST /api/v1/photos/known|{\"sha256\": 5}",
            "POST /api/v1/photos/known|{\"sha256\": [{\"a\": 1}]}",
            "POST /api/v1/photos/known|[1, 2, 3]",
            "POST /api/v1/photos/known|\"sha256\"",
            "POST /api/v1/photos/known|{\"sha256\": [",
            "POST /api/v1/jobs/reprocess|{\"scope\": 5}",
            "POST /api/v1/jobs/reprocess|{\"scope\": \"everything; DROP TABLE photo\"}",
            "POST /api/v1/jobs/reprocess|[]",
            "PUT /api/v1/renditions|{\"renditions\": \"big\"}",
            "PUT /api/v1/renditions|{\"renditions\": [{\"name\": 5, \"width\": \"wide\"}]}",
            "PUT /api/v1/renditions|{\"renditions\": [{\"name\": \"../../etc/x\", \"width\": -1, \"height\": 2147483647}]}",
            "PUT /api/v1/export|{\"layout\": {\"a\": 1}}",
            "PUT /api/v1/export|[]",
            "PUT /api/v1/export|{\"path\": [\"/etc\"]}"})
    void aJsonBodyOfTheWrongShapeIsA400WithAReason(String row) {
        String[] parts = row.split("\\|", 2);
        String[] line = parts[0].split(" ");
        Response r = given().header("Authorization", "Bearer " + serviceToken).contentType("application/json")
                .body(parts[1]).request(line[0], line[1]);
        assertTrue(r.statusCode() == 400 || r.statusCode() == 422, row + ": " + r.statusCode() + " " + r.asString());
        clearJsonError(r, row);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "POST /api/v1/photos/..%2F..%2Fetc/hide",
            "POST /api/v1/photos/%00/retry",
            "DELETE /api/v1/photos/' OR '1'='1",
            "GET /api/v1/photos/by-sha256/%3Cscript%3E",
            "GET /api/v1/failures?limit=-1",
            "GET /api/v1/failures?limit=many",
            "GET /api/v1/failures?limit=99999999999999",
            "GET /api/v1/dead-letters?limit=1e9",
            "POST /api/v1/dead-letters/..%2F..%2F1/replay"})
    void aHostilePathOrQueryIsA4xxWithAReason(String row) {
        String[] line = row.split(" ", 2);
        Response r = given().urlEncodingEnabled(false).header("Authorization", "Bearer " + serviceToken)
                .request(line[0], line[1].replace("'", "%27").replace(" ", "%20"));
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, row + ": " + r.statusCode() + " " + r.asString());
        clearJsonError(r, row);
    }

    private static void clearJsonError(Response r, String what) {
        String body = r.asString();
        assertTrue(r.contentType() != null && r.contentType().startsWith("application/json"), what + ": " + r.contentType() + " " + body);
        assertTrue(body.matches("(?s)\\{.*\"error\"\\s*:\\s*\"[^\"]{8,}.*"), what + ": " + body);
        assertFalse(body.matches("(?s).*(\\bat (java|io|org)\\.[\\w.$]+\\(|Exception|\\.java:\\d+).*"), what + " leaks internals: " + body);
    }
}
