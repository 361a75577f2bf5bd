package io.imgboard.display.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.Neighbours;
import io.imgboard.infra.testing.SseClient;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Topics;
import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Named frames through the real broker: the admin API (kept on the settings topic), a filtered
 * frame's page and live events, its bag over rounds through {@code /next}, and the bag's position on
 * {@code imgboard.frame-bags}.
 */
@QuarkusTest
@QuarkusTestResource(LocalInfraResource.class)
@QuarkusTestResource(Neighbours.class)
class NamedFramesTest {
    private static Catalog catalog;

    @TestHTTPResource("/api/v1/events")
    URI events;

    @jakarta.inject.Inject
    FrameClients clients;

    @BeforeAll
    static void producer() {
        catalog = new Catalog();
    }

    @AfterAll
    static void close() {
        catalog.close();
    }

    private static RequestSpecification admin() {
        return RestAssured.given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType("application/json");
    }

    @Test
    void framesAreCreatedReadChangedAndDeletedWithTheAdminTokenOnly() {
        RestAssured.given().contentType("application/json").body("{}").put("/api/v1/frames/hall").then().statusCode(401);
        RestAssured.get("/api/v1/frames").then().statusCode(401);

        admin().body("{}").put("/api/v1/frames/hall").then().statusCode(201)
                .body("name", equalTo("hall")).body("settings.intervalMs", equalTo(5000)).body("overrides.size()", equalTo(0));
        admin().body("{\"settings\":{\"intervalMs\":2000,\"order\":\"captured\",\"showDate\":true},"
                        + "\"filter\":{\"sources\":[\"nas\"],\"from\":\"2019-01-01\",\"to\":\"2019-12-31\",\"onThisDay\":false}}")
                .put("/api/v1/frames/hall").then().statusCode(200)
                .body("settings.intervalMs", equalTo(2000)).body("settings.order", equalTo("captured"))
                .body("settings.transition", equalTo("crossfade")).body("filter.from", equalTo("2019-01-01"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/frames").then().statusCode(200)
                .body("name", hasItem("hall")).body("[0].name", equalTo("default")));
        admin().get("/api/v1/frames/hall").then().statusCode(200).body("overrides.intervalMs", equalTo(2000))
                .body("overrides.showDate", equalTo(true)).body("overrides.order", equalTo("captured"))
                .body("filter.sources", equalTo(List.of("nas")));
        RestAssured.get("/frames/hall").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("/frame.js"));

        admin().delete("/api/v1/frames/hall").then().statusCode(204);
        admin().get("/api/v1/frames/hall").then().statusCode(404).body("status", equalTo(404))
                .body("error", containsString("hall"));
        RestAssured.get("/frames/hall").then().statusCode(404).body(containsString("no frame called"));
        admin().delete("/api/v1/frames/hall").then().statusCode(404);
    }

    /**
     * A filter is saved as written (a source may get its first photo later), and the answer says what it takes now: how
     * many photos, and which of its source and device names no photo answers to, so a typo is seen when it is made.
     */
    @Test
    void aFrameSaysHowManyPhotosItTakesAndWhichNamesNoPhotoAnswers() throws Exception {
        UUID id = UUID.randomUUID();
        catalog.publish(Catalog.named(id, "reach.jpg", Instant.parse("1931-03-04T10:00:00Z"))); // from upload:test
        await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get("/api/v1/playlist").asString().contains(id.toString()));

        admin().body("{\"filter\":{\"sources\":[\"test\",\"nas2\"],\"from\":\"1931-03-04\",\"to\":\"1931-03-04\"}}")
                .put("/api/v1/frames/reach-1931").then().statusCode(201)
                .body("photos", equalTo(1)).body("notices", equalTo(List.of("No photo comes from a source called \"nas2\".")));
        admin().body("{\"filter\":{\"sources\":[\"upload:test\"],\"from\":\"1931-03-04\",\"to\":\"1931-03-04\"}}")
                .put("/api/v1/frames/reach-1931").then().statusCode(200)
                .body("photos", equalTo(1)).body("notices", equalTo(List.of()));
        admin().body("{\"filter\":{\"devices\":[\"nobodys-phone\"],\"from\":\"1931-03-04\",\"to\":\"1931-03-04\"}}")
                .put("/api/v1/frames/reach-1931").then().statusCode(200)
                .body("photos", equalTo(0)).body("notices", equalTo(List.of("No photo comes from a device called \"nobodys-phone\".")));
        admin().body("{\"filter\":{\"from\":\"1931-03-05\",\"to\":\"1931-03-05\"}}")
                .put("/api/v1/frames/reach-1931").then().statusCode(200)
                .body("photos", equalTo(0)).body("notices", equalTo(List.of("No photo matches the filter now, so the frame shows none.")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> admin().get("/api/v1/frames").then().statusCode(200)
                .body("find { it.name == 'reach-1931' }.photos", equalTo(0))
                .body("find { it.name == 'reach-1931' }.notices[0]", containsString("No photo matches")));
        admin().delete("/api/v1/frames/reach-1931").then().statusCode(204);
    }

    @Test
    void badFramesGetAReasonAPersonUnderstands() {
        Map<String, String> bad = Map.of(
                "{\"settings\":{\"intervalMs\":10}}", "1 second",
                "{\"settings\":{\"colour\":\"red\"}}", "colour",
                "{\"settings\":{\"intervalMs\":\"soon\"}}", "whole number",
                "{\"filter\":{\"from\":\"yesterday\"}}", "YYYY-MM-DD",
                "{\"filter\":{\"from\":\"2020-02-02\",\"to\":\"2020-01-01\"}}", "after",
                "{\"filter\":{\"sources\":\"nas\"}}", "list",
                "{\"wall\":1}", "wall",
                "[1,2]", "JSON object");
        bad.forEach((body, reason) -> admin().body(body).put("/api/v1/frames/bad-one").then().statusCode(400)
                .body("status", equalTo(400)).body("error", containsString(reason)));
        admin().body("{}").put("/api/v1/frames/Kitchen").then().statusCode(400).body("error", containsString("a-z"));
        admin().body("{}").put("/api/v1/frames/-x").then().statusCode(400);
        admin().get("/api/v1/frames/bad-one").then().statusCode(404);
    }

    @Test
    void aFilteredFrameGetsOnlyItsPhotosInPagesAndLiveEvents() throws Exception {
        List<UUID> in = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            catalog.publish(Catalog.named(id, "in-" + i + ".jpg", Instant.parse("1923-05-0" + (i + 1) + "T10:00:00Z")));
            in.add(id);
        }
        UUID out = UUID.randomUUID();
        catalog.publish(Catalog.named(out, "out.jpg", Instant.parse("1923-07-01T10:00:00Z")));
        admin().body("{\"settings\":{\"intervalMs\":1000},\"filter\":{\"from\":\"1923-05-01\",\"to\":\"1923-05-31\"}}")
                .put("/api/v1/frames/may-1923").then().statusCode(201);
        await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get("/api/v1/playlist").asString().contains(out.toString()));

        try (SseClient frame = SseClient.open(URI.create(events + "?frame=may-1923"))) {
            JsonNode settings = Catalog.JSON.readTree(frame.await(SseClient.named("settings")).data());
            assertEquals(1000, settings.path("intervalMs").asInt());
            JsonNode page = Catalog.JSON.readTree(frame.await(SseClient.named("page")).data());
            assertEquals(3, page.path("total").asInt(), page.toString());
            assertEquals(new HashSet<>(in.stream().map(UUID::toString).toList()),
                    new HashSet<>(page.path("photos").findValuesAsText("photoId")));

            UUID lateIn = UUID.randomUUID();
            UUID lateOut = UUID.randomUUID();
            catalog.publish(Catalog.named(lateOut, "late-out.jpg", Instant.parse("1999-01-01T00:00:00Z")));
            catalog.publish(Catalog.named(lateIn, "late-in.jpg", Instant.parse("1923-05-20T00:00:00Z")));
            frame.await(SseClient.named("add", lateIn.toString()));
            assertTrue(frame.events().stream().noneMatch(e -> "add".equals(e.name()) && e.data().contains(lateOut.toString())),
                    "a photo outside the filter is never added");
            // The sources and devices the filter reads are never sent to frames.
            assertThat(frame.await(SseClient.named("add", lateIn.toString())).data(), not(containsString("upload:test")));

            // A photo the filter never let in leaves the library: nothing for this frame (not even its id).
            catalog.retire(lateOut);
            catalog.retire(in.get(0));
            frame.await(SseClient.named("remove", in.get(0).toString()));
            assertTrue(frame.events().stream().noneMatch(e -> e.data().contains(lateOut.toString())),
                    "told of a photo it never had: " + frame.events());

            admin().body("{\"settings\":{\"intervalMs\":3000},\"filter\":{\"from\":\"1923-05-01\",\"to\":\"1923-05-31\"}}")
                    .put("/api/v1/frames/may-1923").then().statusCode(200);
            frame.await(SseClient.named("settings", "\"intervalMs\":3000"));
        }
    }

    /**
     * A photo gains or loses an origin (a copy dropped into the NAS folder, the NAS copy deleted while an
     * upload keeps it): a frame filtered by source gets an add or a remove, a frame that shows it either
     * way gets nothing.
     */
    @Test
    void aFrameFilteredBySourceFollowsAPhotoGainingAndLosingThatSource() throws Exception {
        admin().body("{\"filter\":{\"sources\":[\"nas-1961\"]}}").put("/api/v1/frames/nas-1961").then().statusCode(201);
        UUID id = UUID.randomUUID();
        PhotoPublished uploaded = Catalog.named(id, "origins.jpg", Instant.parse("1961-04-12T06:07:00Z"));
        catalog.publish(uploaded);
        await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get("/api/v1/playlist").asString().contains(id.toString()));
        try (SseClient nas = SseClient.open(URI.create(events + "?frame=nas-1961"));
             SseClient everything = SseClient.open(URI.create(events + "?frame=default"))) {
            nas.await(SseClient.named("page"));
            everything.await(SseClient.named("page"));
            catalog.publish(withSources(uploaded, List.of("upload:test", "folder:nas-1961")));
            nas.await(SseClient.named("add", id.toString()));
            catalog.publish(withSources(uploaded, List.of("upload:test")));
            nas.await(SseClient.named("remove", id.toString()));
            UUID marker = UUID.randomUUID(); // everything after the two changes has reached the streams by its add
            catalog.publish(Catalog.named(marker, "marker.jpg", Instant.parse("1961-04-13T00:00:00Z")));
            everything.await(SseClient.named("add", marker.toString()));
            assertTrue(everything.events().stream().noneMatch(e -> e.data().contains(id.toString()) && !"page".equals(e.name())),
                    "a frame that shows the photo either way was sent: " + everything.events());
        } finally {
            admin().delete("/api/v1/frames/nas-1961");
        }
    }

    /** A frame deleted while screens show it: their streams end (they reconnect to a 404), no page of everything. */
    @Test
    void aDeletedFrameEndsItsStreamsRatherThanShowTheWholeLibrary() throws Exception {
        admin().body("{\"filter\":{\"from\":\"1977-01-01\",\"to\":\"1977-12-31\"}}").put("/api/v1/frames/gone-1977")
                .then().statusCode(201);
        // HTTP/1.1, as wall tablets and curl hold a stream (over HTTP/2 a close is a stream reset)
        try (SseClient frame = SseClient.openHttp11(URI.create(events + "?frame=gone-1977"))) {
            frame.await(SseClient.named("page"));
            admin().delete("/api/v1/frames/gone-1977").then().statusCode(204);
            await().atMost(Duration.ofSeconds(30)).until(frame::ended);
            assertEquals(1, frame.events("page").size(), "another page was sent: " + frame.events());
        }
        RestAssured.get(events + "?frame=gone-1977").then().statusCode(404);
        // its streams are counted no more (the ops page's figure, the per-frame stream limit)
        await().atMost(Duration.ofSeconds(10)).until(() -> !clients.byFrame().containsKey("gone-1977"));
    }

    private static PhotoPublished withSources(PhotoPublished p, List<String> sourceIds) {
        return new PhotoPublished(UUID.randomUUID(), Instant.now(), p.photoId(), p.sha256(), p.renditions(), p.width(),
                p.height(), p.capturedAt(), p.placeholder(), p.name(), p.arrivedAt(), sourceIds, p.deviceIds());
    }

    @Test
    void nextWalksTheBagRoundByRoundAndItsPositionIsStoredOnTheTopic() throws Exception {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            UUID id = UUID.randomUUID();
            catalog.publish(Catalog.named(id, "bag-" + i + ".jpg", Instant.parse("1931-08-1" + i + "T10:00:00Z")));
            all.add(id.toString());
        }
        admin().body("{\"filter\":{\"from\":\"1931-08-01\",\"to\":\"1931-08-31\"}}").put("/api/v1/frames/bag-1931")
                .then().statusCode(201);
        await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get("/api/v1/playlist").asString()
                .contains(all.iterator().next()));

        JsonNode page = next("bag-1931", null, 2);
        List<List<String>> rounds = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        long round = page.path("round").asLong();
        String last = null;
        while (rounds.size() < 3) {
            if (page.path("round").asLong() != round) {
                rounds.add(shown);
                shown = new ArrayList<>();
                round = page.path("round").asLong();
            }
            List<String> ids = page.path("photos").findValuesAsText("photoId");
            assertTrue(ids.size() <= 2, page.toString());
            shown.addAll(ids);
            last = ids.get(ids.size() - 1);
            page = next("bag-1931", last + "&round=" + round, 2);
        }
        for (List<String> one : rounds) {
            assertEquals(5, one.size(), "every photo once per round: " + rounds);
            assertEquals(all, new HashSet<>(one));
        }
        String reported = last;
        await().atMost(Duration.ofSeconds(60)).until(() -> bagRecord("bag-1931")
                .filter(value -> value.contains(reported)).isPresent());

        RestAssured.get("/api/v1/frames/bag-1931/next?after=nonsense").then().statusCode(400).body("status", equalTo(400));
        RestAssured.get("/api/v1/frames/bag-1931/next?limit=101").then().statusCode(400);
        RestAssured.get("/api/v1/frames/no-such-frame/next").then().statusCode(404);
    }

    @Test
    void aChangedFilterOrSettingReachesAConnectedFrameAtOnce() throws Exception {
        List<String> march = new ArrayList<>();
        List<String> april = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID id = UUID.randomUUID();
            boolean inMarch = i < 2;
            catalog.publish(Catalog.named(id, "swap-" + i + ".jpg", Instant.parse((inMarch ? "1947-03-1" : "1947-04-1") + i + "T10:00:00Z")));
            (inMarch ? march : april).add(id.toString());
        }
        admin().body("{\"settings\":{\"intervalMs\":60000},\"filter\":{\"from\":\"1947-03-01\",\"to\":\"1947-03-31\"}}")
                .put("/api/v1/frames/swap-1947").then().statusCode(201);
        await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get("/api/v1/playlist").asString().contains(april.get(2)));

        try (SseClient frame = SseClient.open(URI.create(events + "?frame=swap-1947"))) {
            JsonNode first = Catalog.JSON.readTree(frame.await(SseClient.named("page")).data());
            assertEquals(new HashSet<>(march), new HashSet<>(first.path("photos").findValuesAsText("photoId")), first.toString());

            // The frame never asks /next (its interval is a minute): only the change can bring a page.
            long changedAt = System.nanoTime();
            admin().body("{\"settings\":{\"intervalMs\":60000},\"filter\":{\"from\":\"1947-04-01\",\"to\":\"1947-04-30\"}}")
                    .put("/api/v1/frames/swap-1947").then().statusCode(200);
            JsonNode second = Catalog.JSON.readTree(frame.await(SseClient.named("page", april.get(0)), Duration.ofSeconds(10)).data());
            long tookMs = (System.nanoTime() - changedAt) / 1_000_000;
            assertEquals(3, second.path("total").asInt(), second.toString());
            assertEquals(new HashSet<>(april), new HashSet<>(second.path("photos").findValuesAsText("photoId")), second.toString());
            assertEquals(1, frame.events().stream().filter(e -> "settings".equals(e.name())).count(),
                    "the settings did not change, so they are not sent again");

            admin().body("{\"settings\":{\"intervalMs\":4000,\"fit\":\"cover\"},\"filter\":{\"from\":\"1947-04-01\",\"to\":\"1947-04-30\"}}")
                    .put("/api/v1/frames/swap-1947").then().statusCode(200);
            JsonNode settings = Catalog.JSON.readTree(frame.await(SseClient.named("settings", "\"intervalMs\":4000"),
                    Duration.ofSeconds(10)).data());
            assertEquals("cover", settings.path("fit").asText(), settings.toString());
            assertEquals(2, frame.events().stream().filter(e -> "page".equals(e.name())).count(),
                    "the same order and filter keep the frame's window: no page for a look change");
            System.out.printf("frame swap-1947: the page for the changed filter came %d ms after the PUT%n", tookMs);
        }
    }

    @Test
    void aFrameThatSaysWhatItShowedLastContinuesRightAfterItButNeverBackwards() throws Exception {
        for (int i = 0; i < 6; i++) {
            catalog.publish(Catalog.named(UUID.randomUUID(), "resume-" + i + ".jpg", Instant.parse("1951-02-1" + i + "T10:00:00Z")));
        }
        admin().body("{\"filter\":{\"from\":\"1951-02-01\",\"to\":\"1951-02-28\"}}").put("/api/v1/frames/resume-1951")
                .then().statusCode(201);
        await().atMost(Duration.ofSeconds(60)).until(() -> next("resume-1951", null, 1).path("total").asInt() == 6);

        JsonNode page = firstPage("");
        List<String> order = page.path("photos").findValuesAsText("photoId");
        String bag = page.path("bag").asText();
        assertEquals(6, order.size(), page.toString());
        assertTrue(!bag.isBlank(), page.toString());

        // A reload after the frame showed the fourth photo (the server last heard of none of them).
        JsonNode resumed = firstPage("&shown=" + order.get(3) + "&bag=" + bag);
        assertEquals(4, resumed.path("position").asInt(), resumed.toString());
        assertEquals(order.subList(4, 6), resumed.path("photos").findValuesAsText("photoId"));
        // An older report (the browser's own retry reuses the stream's URL) does not move the bag back,
        // and another bag's report (a changed filter since) is ignored.
        assertEquals(4, firstPage("&shown=" + order.get(1) + "&bag=" + bag).path("position").asInt());
        assertEquals(4, firstPage("&shown=" + order.get(5) + "&bag=0.1").path("position").asInt());
        assertEquals(4, firstPage("&shown=not-a-photo&bag=" + bag).path("position").asInt());
    }

    private JsonNode firstPage(String query) throws Exception {
        try (SseClient frame = SseClient.open(URI.create(events + "?frame=resume-1951" + query))) {
            return Catalog.JSON.readTree(frame.await(SseClient.named("page")).data());
        }
    }

    private static JsonNode next(String frame, String after, int limit) throws Exception {
        String query = "?limit=" + limit + (after == null ? "" : "&after=" + after);
        String body = RestAssured.get("/api/v1/frames/" + frame + "/next" + query).then().statusCode(200).extract().asString();
        return Catalog.JSON.readTree(body);
    }

    /** The latest value on imgboard.frame-bags for a frame. */
    private static Optional<String> bagRecord(String frame) {
        TopicPartition partition = new TopicPartition(Topics.FRAME_BAGS, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Catalog.bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            String latest = null;
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (frame.equals(record.key())) {
                        latest = record.value();
                    }
                }
            }
            return Optional.ofNullable(latest);
        }
    }
}
