package io.imgboard.ledger.rest;

import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * Guessing the service token (issue 12): after {@code imgboard.auth.max-failures} wrong tokens from
 * one peer address, the ledger's writes answer 429 with {@code Retry-After}, even with the right
 * token, until the window is over; reads stay open.
 */
@QuarkusTest
@QuarkusTestResource(LocalInfraResource.class)
@TestProfile(HostileAuthTest.Limited.class)
class HostileAuthTest {
    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // application.properties sets %test.imgboard.auth.max-failures high for the other tests, and a
            // profile-specific key outranks a plain one from any source: override both.
            return Map.of("%test.imgboard.auth.max-failures", "3", "imgboard.auth.max-failures", "3", "imgboard.auth.failure-window", "12s");
        }
    }

    @ConfigProperty(name = "imgboard.service.token")
    String serviceToken;

    @Test
    void guessesAreRefusedWith429UntilTheWindowEnds() {
        given().contentType("application/json").body("{}").post("/api/v1/failures/retry").then().statusCode(401);
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", "Bearer guess-" + i).contentType("application/json").body("{}")
                    .post("/api/v1/failures/retry").then().statusCode(401).body("status", equalTo(401));
        }
        given().header("Authorization", "Bearer " + serviceToken).contentType("application/json").body("{}")
                .post("/api/v1/failures/retry").then()
                .statusCode(429)
                .header("Retry-After", matchesPattern("[1-9]|1[0-2]"))
                .contentType("application/json")
                .body("status", equalTo(429))
                .body("error", containsString("too many wrong service tokens"));
        given().get("/api/v1/stats").then().statusCode(200);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                given().header("Authorization", "Bearer " + serviceToken).contentType("application/json").body("{}")
                        .post("/api/v1/failures/retry").then().statusCode(equalTo(200)));
    }
}
