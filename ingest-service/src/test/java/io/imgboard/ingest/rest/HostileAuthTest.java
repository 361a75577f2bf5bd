package io.imgboard.ingest.rest;

import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.ingest.SharedLimitsProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * Guessing a token (issue 12): after {@code imgboard.auth.max-failures} wrong tokens from one peer
 * address, RequestGate answers 429 with {@code Retry-After} to every request with a token (Bearer or
 * WebDAV's Basic), a right one included, until the window is over; only a token that was right from
 * that address before is still checked. A real token used on the wrong
 * door is no guess and does not count.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
@TestProfile(SharedLimitsProfile.class)
class HostileAuthTest {
    @ConfigProperty(name = "imgboard.admin.token")
    String adminToken;
    @ConfigProperty(name = "imgboard.upload.token")
    String uploadToken;

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("phone:" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A request refused before routing is counted under uri UNKNOWN, not its own path: whoever knocks must not
     * write their text into /q/metrics (nor fill Micrometer's 100 paths, after which real routes go unrecorded).
     */
    @Test
    void aRefusedPathIsNotWrittenIntoTheMetrics() {
        String knock = "knock-" + java.util.UUID.randomUUID();
        given().get("/api/v1/sources/" + knock).then().statusCode(401);
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/q/metrics").asString(),
                containsString("status=\"401\",uri=\"UNKNOWN\""));
        org.hamcrest.MatcherAssert.assertThat(given().get("/q/metrics").asString(),
                org.hamcrest.Matchers.not(containsString(knock)));
    }

    /**
     * Behind a reverse proxy every request has the proxy's address: counted per peer, one guesser would lock
     * every phone out. With the proxy trusted, the address it names is the one counted.
     */
    @Test
    void behindATrustedProxyTheGuesserIsLockedOutNotEveryoneElse() {
        for (int i = 0; i < 3; i++) {
            given().header("X-Forwarded-For", "203.0.113.7").header("Authorization", "Bearer proxied-guess-" + i)
                    .get("/api/v1/devices").then().statusCode(401);
        }
        given().header("X-Forwarded-For", "203.0.113.7").header("Authorization", "Bearer " + adminToken)
                .get("/api/v1/devices").then().statusCode(429);
        // Another phone behind the same proxy, and one that names the guesser further back in the chain.
        given().header("X-Forwarded-For", "203.0.113.8").header("Authorization", "Bearer " + adminToken)
                .get("/api/v1/devices").then().statusCode(200);
        given().header("X-Forwarded-For", "203.0.113.7, 198.51.100.9").header("Authorization", "Bearer " + adminToken)
                .get("/api/v1/devices").then().statusCode(200);
        // A hop that is no address (written by the client, passed on by a proxy that appends) makes no caller,
        // and its guesses still count: against the nearest hop that could be judged, never nowhere.
        for (int i = 0; i < 3; i++) {
            given().header("X-Forwarded-For", "guess-" + i + ".example, 10.77.0.9").header("Authorization", "Bearer unknown-guess-" + i)
                    .get("/api/v1/devices").then().statusCode(401);
        }
        given().header("X-Forwarded-For", "another.example, 10.77.0.9").header("Authorization", "Bearer " + adminToken)
                .get("/api/v1/devices").then().statusCode(429);
    }

    @Test
    void guessesAreRefusedWith429UntilTheWindowEnds() {
        // The upload token on an operator API: refused, but it is a real token, so not counted.
        for (int i = 0; i < 5; i++) {
            given().header("Authorization", "Bearer " + uploadToken).get("/api/v1/devices").then().statusCode(401);
        }
        given().header("Authorization", "Bearer " + adminToken).get("/api/v1/devices").then().statusCode(200);

        given().header("Authorization", "Bearer guess-1").get("/api/v1/devices").then().statusCode(401);
        given().header("Authorization", basic("guess-2")).header("Depth", "0").request("PROPFIND", "/dav/").then().statusCode(401);
        given().header("Authorization", "Bearer guess-3").put("/api/v1/uploads/x.jpg").then().statusCode(401);
        given().header("Authorization", "Bearer guess-4").get("/api/v1/devices").then()
                .statusCode(429)
                .header("Retry-After", matchesPattern("[1-6]")) // the window is 6 s (SharedLimitsProfile)
                .contentType("application/json")
                .body("status", equalTo(429))
                .body("error", containsString("too many wrong tokens"));
        // A token that was right from this address before is still checked: one guesser behind a shared
        // address (a NAT, a proxy not trusted) locks out nobody who was already at work there.
        given().header("Authorization", basic(uploadToken)).header("Depth", "0").request("PROPFIND", "/dav/").then()
                .statusCode(207);
        given().header("Authorization", "Bearer " + adminToken).get("/api/v1/devices").then().statusCode(200);
        given().header("Authorization", "Bearer guess-5").get("/api/v1/devices").then().statusCode(429);
        // No credential is no guess: a WebDAV client's first request still learns it must log in.
        given().header("Depth", "0").request("PROPFIND", "/dav/").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic"));
        // Counted for the operator (not listed: strangers must not flood the rejections list).
        given().get("/q/metrics").then().statusCode(200)
                .body(matchesPattern("(?s).*imgboard_uploads_rejected_total\\{[^}]*reason=\"too-many-attempts\"[^}]*} [1-9].*"));
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().header("Authorization", "Bearer guess-6").get("/api/v1/devices").then().statusCode(401));
        given().header("Authorization", "Bearer " + adminToken).get("/api/v1/devices").then().statusCode(200);
    }

    /** While an address is held, a right token never used from it waits unchecked like any guess: a guess learns nothing. */
    @Test
    void aRightTokenNeverUsedFromAHeldAddressWaitsLikeAGuess() {
        String nat = "198.51.100.60";
        given().header("X-Forwarded-For", nat).header("Authorization", basic(uploadToken)).header("Depth", "0")
                .request("PROPFIND", "/dav/").then().statusCode(207);
        for (int i = 0; i < 3; i++) {
            given().header("X-Forwarded-For", nat).header("Authorization", "Bearer nat-guess-" + i).get("/api/v1/devices")
                    .then().statusCode(401);
        }
        given().header("X-Forwarded-For", nat).header("Authorization", "Bearer " + adminToken).get("/api/v1/devices").then()
                .statusCode(429);
        given().header("X-Forwarded-For", nat).header("Authorization", basic(uploadToken)).header("Depth", "0")
                .request("PROPFIND", "/dav/").then().statusCode(207);
    }
}
