package io.imgboard.display.stream;

import io.imgboard.display.cli.FanoutClients;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.LimitedClients;
import io.imgboard.display.support.Neighbours;
import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many frames on one display, small: {@link FanoutClients} (the fanout bench's one-thread client) holds
 * streams of the real display, and photos go through the real catalog topic. With
 * {@code imgboard.display.max-streams} set low, the streams beyond it are refused with a 503 that says
 * why, while every stream already open keeps getting its events.
 */
@QuarkusTest
@TestProfile(LimitedClients.class)
@QuarkusTestResource(LocalInfraResource.class)
@QuarkusTestResource(Neighbours.class)
class FanoutLimitTest {
    static final int CAP = LimitedClients.MAX_STREAMS;

    private static Catalog catalog;

    @TestHTTPResource("/api/v1/events")
    URI events;

    @Inject
    FrameClients clients;

    /** Streams of the other test are gone: each starts with none open. */
    @BeforeEach
    void noStreams() {
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.count() == 0);
    }

    @BeforeAll
    static void producer() {
        catalog = new Catalog();
    }

    @AfterAll
    static void close() {
        catalog.close();
    }

    @Test
    void fiftyStreamsFromSeveralAddressesAllGetAnAdd() throws Exception {
        try (FanoutClients frames = new FanoutClients(events.getHost(), events.getPort(), "/api/v1/events?frame=default", 4)) {
            frames.connect(50, 50, Duration.ofSeconds(10));
            assertEquals(50, frames.streaming(), "refused " + frames.refused() + " (" + frames.lastRefusal() + "), failed " + frames.failed());
            await().atMost(Duration.ofSeconds(10)).until(() -> frames.withFirstEvent() == 50);

            UUID photoId = UUID.randomUUID();
            frames.expect(photoId.toString());
            catalog.publish(Catalog.photo(photoId, Instant.parse("2024-06-02T12:00:00Z")));

            await().atMost(Duration.ofSeconds(10)).until(() -> frames.sawMarker() == 50);
            catalog.retire(photoId);
        }
    }

    @Test
    void beyondTheCapStreamsAreRefusedWithAReasonAndTheOpenOnesKeepTheirEvents() throws Exception {
        try (FanoutClients frames = new FanoutClients(events.getHost(), events.getPort(), "/api/v1/events?frame=default", 4);
             FanoutClients late = new FanoutClients(events.getHost(), events.getPort(), "/api/v1/events?frame=default", 4)) {
            frames.connect(CAP, CAP, Duration.ofSeconds(10));
            assertEquals(CAP, frames.streaming(), "refused " + frames.refused() + " (" + frames.lastRefusal() + ")");
            await().atMost(Duration.ofSeconds(10)).until(() -> frames.withFirstEvent() == CAP);

            late.connect(10, 10, Duration.ofSeconds(10));
            assertEquals(10, late.refused(), "streaming " + late.streaming() + ", failed " + late.failed());
            assertThat(late.lastRefusal(), containsString("503"));
            assertThat(late.lastRefusal(), containsString("This display holds " + CAP + " frame streams"));
            // img-board's stream counts against the same cap.
            try (FanoutClients compat = new FanoutClients(events.getHost(), events.getPort(), "/api/events", 1)) {
                compat.connect(3, 3, Duration.ofSeconds(10));
                assertEquals(3, compat.refused(), "streaming " + compat.streaming() + ", failed " + compat.failed());
                assertThat(compat.lastRefusal(), containsString("503"));
            }
            // Other requests are still served.
            RestAssured.get("/api/v1/frames/default/next?limit=1").then().statusCode(200);

            UUID photoId = UUID.randomUUID();
            frames.expect(photoId.toString());
            catalog.publish(Catalog.photo(photoId, Instant.parse("2024-06-03T12:00:00Z")));
            await().atMost(Duration.ofSeconds(10)).until(() -> frames.sawMarker() == CAP);
            assertEquals(CAP, frames.streaming(), "an open stream was closed");
            catalog.retire(photoId);
        }
        // Closed streams free their places.
        try (FanoutClients again = new FanoutClients(events.getHost(), events.getPort(), "/api/v1/events?frame=default", 1)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                again.connect(1, 1, Duration.ofSeconds(5));
                assertEquals(1, again.streaming());
            });
        }
    }

    @Test
    void imgBoardsStreamsTakeTheirPlacesUnderTheSameCap() throws Exception {
        try (FanoutClients compat = new FanoutClients(events.getHost(), events.getPort(), "/api/events", 2);
             FanoutClients frames = new FanoutClients(events.getHost(), events.getPort(), "/api/v1/events?frame=default", 4)) {
            compat.connect(10, 10, Duration.ofSeconds(10));
            assertEquals(10, compat.streaming(), "refused " + compat.refused() + " (" + compat.lastRefusal() + ")");
            await().atMost(Duration.ofSeconds(10)).until(() -> clients.count() == 10);
            frames.connect(CAP, CAP, Duration.ofSeconds(10));
            assertEquals(CAP - 10, frames.streaming(), "refused " + frames.refused() + ", failed " + frames.failed());
            assertEquals(10, frames.refused());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.count() == 0); // img-board's streams free theirs too
    }
}
