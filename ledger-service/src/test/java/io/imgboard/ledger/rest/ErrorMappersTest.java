package io.imgboard.ledger.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** A server error tells the caller only that it happened; its details (SQL, hosts, passwords) stay in the log. */
@QuarkusTest
class ErrorMappersTest {

    @Test
    void aServerErrorFromAWebApplicationExceptionDoesNotShowItsMessage() {
        for (int status : new int[] {500, 502, 503}) {
            given().get("/test-only/fail/web/{status}", status)
                    .then().statusCode(status).contentType(ContentType.JSON)
                    .body("status", equalTo(status))
                    .body("error", equalTo(ErrorMappers.SERVER_ERROR))
                    .body(not(containsString("hunter2")))
                    .body(not(containsString("db.internal")));
        }
    }

    @Test
    void anUnexpectedExceptionIsAGeneric500() {
        given().get("/test-only/fail/unexpected")
                .then().statusCode(500).contentType(ContentType.JSON)
                .body("status", equalTo(500))
                .body("error", equalTo(ErrorMappers.SERVER_ERROR))
                .body(not(containsString("hunter2")));
    }

    @Test
    void aClientErrorStillSaysWhatWasWrong() {
        given().get("/test-only/fail/web/{status}", 409)
                .then().statusCode(409).contentType(ContentType.JSON)
                .body("status", equalTo(409))
                .body("error", containsString("cannot reach"));
    }
}
