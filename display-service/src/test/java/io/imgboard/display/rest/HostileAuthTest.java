package io.imgboard.display.rest;

import io.imgboard.support.FailedAttempts;
import io.imgboard.display.support.LimitedClients;
import io.imgboard.display.support.Neighbours;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guessing the admin token (issue 12): after {@code imgboard.auth.max-failures} wrong tokens from one
 * address, its requests with a token answer 429 with {@code Retry-After}, even with the right token
 * (unless it was right from that address before), until the window is over. The address is the one {@link AdminAccess} trusts: here 127.0.0.1 is a
 * trusted proxy, so each test names its own caller in {@code X-Forwarded-For}.
 */
@QuarkusTest
@TestProfile(LimitedClients.class)
class HostileAuthTest {
    private static RequestSpecification from(String caller, String authorization) {
        RequestSpecification request = given().header("X-Forwarded-For", caller);
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    @Test
    void theFourthWrongTokenFromAnAddressIs429AndSoIsTheRightOneUntilTheWindowEnds() {
        String caller = "198.51.100.7";
        for (int i = 0; i < 3; i++) {
            from(caller, "Bearer guess-" + i).get("/api/v1/admin/settings").then().statusCode(401);
        }
        from(caller, "Bearer guess-3").get("/api/v1/admin/settings").then()
                .statusCode(429)
                .contentType("application/json")
                .body("status", equalTo(429))
                .body("error", containsString("too many wrong tokens"));
        String retryAfter = from(caller, "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/admin/config").then()
                .statusCode(429).extract().header("Retry-After");
        int seconds = Integer.parseInt(retryAfter);
        assertTrue(seconds >= 1 && seconds <= LimitedClients.FAILURE_WINDOW_SECONDS, "Retry-After " + retryAfter);
        // No token is no guess: a browser's first request still learns it must log in.
        from(caller, null).get("/api/v1/admin/settings").then().statusCode(401);
        // Another address is not held back by this one's guesses.
        from("198.51.100.8", "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/admin/config").then().statusCode(200);
        // When the window is over, the right token works again.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                from(caller, "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/admin/config").then().statusCode(200));
    }

    /**
     * A guesser behind the admin's own address (a NAT, a reverse proxy not trusted) does not lock the admin
     * out: a token that was right from that address before is still checked. Its guesses still wait.
     */
    @Test
    void aTokenThatWasRightFromTheAddressBeforeStillWorksWhileItsGuessesWait() {
        String shared = "198.51.100.30";
        from(shared, "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/admin/settings").then().statusCode(200);
        for (int i = 0; i < 3; i++) {
            from(shared, "Bearer nat-guess-" + i).get("/api/v1/admin/settings").then().statusCode(401);
        }
        from(shared, "Bearer nat-guess-3").get("/api/v1/admin/settings").then().statusCode(429);
        from(shared, "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/admin/settings").then().statusCode(200);
        from(shared, "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/admin/config").then().statusCode(200);
        from(shared, "Bearer nat-guess-4").get("/api/admin/config").then().statusCode(429);
    }

    /** A page loading a dozen resources with yesterday's token is one wrong token, not a dozen guesses. */
    @Test
    void aStaleTokenSentAgainAndAgainLocksNobodyOut() {
        String caller = "198.51.100.20";
        for (int i = 0; i < 12; i++) {
            from(caller, "Bearer yesterdays-token").get(i % 2 == 0 ? "/api/v1/admin/settings" : "/api/v1/ops/services")
                    .then().statusCode(401);
        }
        from(caller, "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/admin/settings").then().statusCode(200);
    }

    @Test
    void wrongTokensOnImgBoardsAdminRoutesCountToo() {
        String caller = "2001:db8:5:6::1";
        for (int i = 0; i < 3; i++) {
            from(caller, "Bearer guess-" + i).get("/api/admin/stats").then().statusCode(403);
        }
        // Same /64, another address: the same guesser.
        from("2001:db8:5:6::99", "Bearer guess-x").get("/api/admin/stats").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-" + LimitedClients.FAILURE_WINDOW_SECONDS + "]"));
        from("2001:db8:5:7::1", "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/admin/config").then().statusCode(200);
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerIsNotBelieved() throws Exception {
        // Without trusted proxies the peer counts, whatever the header says.
        FailedAttempts failures = new FailedAttempts(2, Duration.ofMinutes(1), System::nanoTime);
        AdminAccess access = new AdminAccess(java.util.Optional.of("admin-secret"), java.util.List.of(), new io.imgboard.support.ClientAddress(java.util.List.of()),
                failures);
        InetAddress peer = access.caller(io.vertx.core.net.SocketAddress.inetSocketAddress(4000, "203.0.113.5"),
                java.util.List.of("10.1.1.1")).counted();
        assertEquals(InetAddress.getByName("203.0.113.5"), peer);
        assertEquals(401, access.refusal("Bearer a", peer).orElseThrow().getStatus());
        assertEquals(401, access.refusal("Bearer b", peer).orElseThrow().getStatus());
        assertEquals(429, access.refusal("Bearer admin-secret", peer).orElseThrow().getStatus());
        assertTrue(access.refusal("Bearer admin-secret", InetAddress.getByName("203.0.113.6")).isEmpty());
    }

    /** The table is bounded and forgets: a fake clock drives the window. */
    @Test
    void theCountsForgetAndStayBounded() throws Exception {
        AtomicLong now = new AtomicLong(0);
        FailedAttempts failures = new FailedAttempts(2, Duration.ofSeconds(60), now::get);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        failures.failed(a, "guess-1");
        assertEquals(0, failures.retryAfterSeconds(a));
        failures.failed(a, "guess-2");
        assertEquals(60, failures.retryAfterSeconds(a));
        now.set(Duration.ofSeconds(59).toNanos() + 1);
        assertEquals(1, failures.retryAfterSeconds(a));
        now.set(Duration.ofSeconds(60).toNanos());
        assertEquals(0, failures.retryAfterSeconds(a), "the window is over");
        failures.failed(a, "guess-1");
        assertEquals(0, failures.retryAfterSeconds(a), "a new window starts with one failure");

        byte[] bytes = {10, 0, 0, 0};
        for (int i = 0; i < FailedAttempts.MAX_ADDRESSES + 500; i++) {
            bytes[1] = (byte) (i >> 16);
            bytes[2] = (byte) (i >> 8);
            bytes[3] = (byte) i;
            failures.failed(InetAddress.getByAddress(bytes), "guess");
        }
        assertTrue(failures.tracked() <= FailedAttempts.MAX_ADDRESSES, "tracked " + failures.tracked());
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        failures.failed(InetAddress.getByName("192.0.2.2"), "guess");
        failures.failed(InetAddress.getByName("192.0.2.3"), "guess");
        assertTrue(failures.tracked() <= FailedAttempts.MAX_ADDRESSES);
    }
}
