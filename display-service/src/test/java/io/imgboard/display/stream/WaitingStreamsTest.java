package io.imgboard.display.stream;

import io.imgboard.display.support.Neighbours;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.infra.testing.SseClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/**
 * A frame's stream that connected before the display had read its catalog waits for it (the page would
 * otherwise be empty). Its frame deleted meanwhile, the stream is closed like the started ones: left
 * waiting, it would begin with the whole library once the catalog is read. Here the catalog topic the
 * display reads does not exist on the real broker, and its load timeout is long, so it never loads.
 */
@QuarkusTest
@QuarkusTestResource(LocalInfraResource.class)
@QuarkusTestResource(Neighbours.class)
@TestProfile(WaitingStreamsTest.CatalogNeverRead.class)
class WaitingStreamsTest {

    public static class CatalogNeverRead implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.catalog.topic", "imgboard.catalog-that-is-never-made",
                    "imgboard.display.catalog-load-timeout", "10m");
        }
    }

    @TestHTTPResource("/api/v1/events")
    URI events;

    @ConfigProperty(name = "imgboard.display.heartbeat")
    Duration heartbeat;

    private static RequestSpecification admin() {
        return RestAssured.given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType("application/json");
    }

    @Test
    void aWaitingStreamOfAFrameDeletedMeanwhileIsClosed() throws Exception {
        admin().body("{}").put("/api/v1/frames/porch").then().statusCode(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get("/frames/porch").then().statusCode(200));
        try (SseClient porch = SseClient.open(URI.create(events + "?frame=porch"));
             SseClient other = SseClient.open(URI.create(events + "?frame=default"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> porch.lines().contains(":loading the catalog")
                    && other.lines().contains(":loading the catalog"));
            admin().delete("/api/v1/frames/porch").then().statusCode(204);
            await().atMost(Duration.ofSeconds(10)).until(porch::ended);
            RestAssured.get("/api/v1/events?frame=porch").then().statusCode(404);
            // another frame's waiting stream stays open
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !other.ended());
        }
    }

    /**
     * A waiting stream is kept online by pings, but not from the tick right after it connected: a stream
     * of a display that has read its catalog waits a moment too (for its page), and its first event must
     * be {@code settings}. So the first ping comes at least one heartbeat after the stream opened, and
     * the later ones every heartbeat (the frame calls a stream silent after three).
     */
    @Test
    void aWaitingStreamIsPingedFromOneHeartbeatAfterItOpenedOn() throws Exception {
        long opened = System.currentTimeMillis();
        try (SseClient frame = SseClient.open(URI.create(events + "?frame=default"))) {
            long answered = System.currentTimeMillis();
            SseClient.Arrival first = frame.awaitArrival(SseClient.named("ping"), heartbeat.multipliedBy(3));
            // The stream joins the waiting set after its head went out: what the client measures from
            // the head is at most a few milliseconds short of what the display skipped.
            assertThat("first ping " + (first.atMillis() - opened) + " ms after the request, the head after "
                    + (answered - opened) + " ms", first.atMillis() - answered, greaterThanOrEqualTo(heartbeat.toMillis() - 200));
            frame.awaitArrival(event -> "ping".equals(event.name()) && event != first.event(), heartbeat.multipliedBy(2));
            assertThat(frame.events().stream().map(SseClient.Event::name).distinct().toList(), contains("ping"));
        }
    }
}
