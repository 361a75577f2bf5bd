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
     * While the catalog is being read, a waiting stream is kept online by a ping every heartbeat (its
     * frame calls a stream silent after three), and gets nothing else yet.
     */
    @Test
    void aStreamWaitingForTheCatalogIsKeptOnlineByPings() throws Exception {
        try (SseClient frame = SseClient.open(URI.create(events + "?frame=default"))) {
            await().atMost(heartbeat.multipliedBy(4)).until(() -> frame.events("ping").size() >= 2);
            assertThat(frame.events().stream().map(SseClient.Event::name).distinct().toList(), contains("ping"));
        }
    }
}
