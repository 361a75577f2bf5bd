package io.imgboard.display.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.Neighbours;
import io.imgboard.display.support.SseClient;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Topics;
import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

/** The catalog topic, through the real broker, to frames' SSE streams and the playlist endpoint. */
@QuarkusTest
@QuarkusTestResource(LocalInfraResource.class)
@QuarkusTestResource(Neighbours.class)
class CatalogStreamTest {
    private static Catalog catalog;

    @TestHTTPResource("/api/v1/events")
    URI events;

    @BeforeAll
    static void producer() {
        catalog = new Catalog();
    }

    @AfterAll
    static void close() {
        catalog.close();
    }

    @Test
    void aPublishedPhotoReachesAnOpenStreamAsAnAddEventWithAnId() throws Exception {
        UUID photoId = UUID.randomUUID();
        try (SseClient frame = SseClient.open(events)) {
            assertEquals(200, frame.response().statusCode());
            assertThat(frame.response().headers().firstValue("Content-Type").orElse(""), startsWith("text/event-stream"));
            SseClient.Event playlist = frame.await(SseClient.named("playlist"));
            assertThat(playlist.data(), not(containsString(photoId.toString())));

            catalog.publish(Catalog.photo(photoId, Instant.parse("2024-06-01T12:00:00Z")));

            SseClient.Event add = frame.await(SseClient.named("add", photoId.toString()));
            assertNotNull(add.id(), "add event without id");
            assertTrue(add.lines().stream().anyMatch(line -> line.startsWith("id:")), "no id: line in " + add.lines());
            assertThat(Long.parseLong(add.id()), greaterThan(Long.parseLong(playlist.id())));
            JsonNode photo = Catalog.JSON.readTree(add.data());
            String media = "/media/" + photoId + "/";
            assertEquals(photoId.toString(), photo.path("photoId").asText());
            // Versioned: /media/<photoId>/<name>.webp?v=<12 hex digits of the rendition's digest>.
            assertThat(photo.path("url").asText(), matchesPattern(media + "display\\.webp\\?v=[0-9a-f]{12}"));
            assertEquals(4032, photo.path("width").asInt());
            assertEquals(3024, photo.path("height").asInt());
            assertThat(photo.path("placeholder").asText(), startsWith("data:image/webp"));
            assertEquals("2024-06-01T12:00:00Z", photo.path("capturedAt").asText());
            assertEquals(photo.path("url").asText(), photo.path("renditions").path("display").asText());
            assertThat(photo.path("renditions").path("uhd").asText(), matchesPattern(media + "uhd\\.webp\\?v=[0-9a-f]{12}"));
            assertThat(photo.path("renditions").path("thumb").asText(), matchesPattern(media + "thumb\\.webp\\?v=[0-9a-f]{12}"));
        }
    }

    @Test
    void aNewClientGetsThePhotoInItsFirstPlaylistEventAndTheEndpointAgrees() throws Exception {
        UUID photoId = UUID.randomUUID();
        catalog.publish(Catalog.photo(photoId, Instant.parse("2023-01-01T08:00:00Z")));
        await().atMost(Duration.ofSeconds(60)).until(() -> playlistIds().contains(photoId.toString()));

        try (SseClient frame = SseClient.open(events)) {
            SseClient.Event first = frame.await(event -> true);
            assertEquals("playlist", first.name());
            assertNotNull(first.id(), "playlist event without id");
            assertThat(first.lines(), hasItem("retry:5000"));
            JsonNode photos = Catalog.JSON.readTree(first.data()).path("photos");
            assertTrue(photos.isArray(), "photos is not an array: " + first.data());
            assertThat(photos.findValuesAsText("photoId"), hasItem(photoId.toString()));
        }
    }

    @Test
    void aTombstoneRemovesThePhotoFromStreamsAndPlaylist() throws Exception {
        UUID photoId = UUID.randomUUID();
        try (SseClient frame = SseClient.open(events)) {
            catalog.publish(Catalog.photo(photoId, null));
            frame.await(SseClient.named("add", photoId.toString()));

            catalog.retire(photoId);

            SseClient.Event remove = frame.await(SseClient.named("remove", photoId.toString()));
            assertNotNull(remove.id(), "remove event without id");
            assertEquals(photoId.toString(), Catalog.JSON.readTree(remove.data()).path("photoId").asText());
            assertThat(playlistIds(), not(hasItem(photoId.toString())));
        }
        try (SseClient late = SseClient.open(events)) {
            assertThat(late.await(SseClient.named("playlist")).data(), not(containsString(photoId.toString())));
        }
    }

    @Test
    void aRepublishedPhotoReplacesItsEntryAndIsSentAgain() throws Exception {
        UUID photoId = UUID.randomUUID();
        try (SseClient frame = SseClient.open(events)) {
            catalog.publish(Catalog.photo(photoId, Instant.parse("2020-01-01T00:00:00Z")));
            frame.await(SseClient.named("add", "2020-01-01T00:00:00Z"));
            catalog.publish(Catalog.photo(photoId, Instant.parse("2021-02-02T00:00:00Z")));
            frame.await(SseClient.named("add", "2021-02-02T00:00:00Z"));
        }
        List<String> ids = playlistIds();
        assertEquals(1, ids.stream().filter(photoId.toString()::equals).count());
        String playlist = RestAssured.get("/api/v1/playlist").asString();
        assertThat(playlist, containsString("2021-02-02T00:00:00Z"));
        assertThat(playlist, not(containsString("2020-01-01T00:00:00Z")));
    }

    @Test
    void eventIdsIncreaseAcrossChanges() throws Exception {
        List<UUID> photoIds = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        try (SseClient frame = SseClient.open(events)) {
            frame.await(SseClient.named("playlist"));
            for (UUID photoId : photoIds) {
                catalog.publish(Catalog.photo(photoId, null));
            }
            catalog.retire(photoIds.get(0));
            frame.await(SseClient.named("remove", photoIds.get(0).toString()));
            List<Long> ids = new ArrayList<>();
            for (SseClient.Event event : frame.events()) {
                if (!"ping".equals(event.name()) && !"settings".equals(event.name())) {
                    ids.add(Long.parseLong(event.id()));
                }
            }
            assertThat("playlist, three adds and a remove: " + frame.events(), ids.size(), greaterThanOrEqualTo(5));
            for (int i = 1; i < ids.size(); i++) {
                assertThat(ids.get(i), greaterThan(ids.get(i - 1)));
            }
        }
    }

    @Test
    void aLastEventIdReconnectGetsTheFullPlaylistAgain() throws Exception {
        UUID photoId = UUID.randomUUID();
        catalog.publish(Catalog.photo(photoId, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> playlistIds().contains(photoId.toString()));
        try (SseClient frame = SseClient.open(events, Map.of("Last-Event-ID", "1"))) {
            SseClient.Event first = frame.await(event -> true);
            assertEquals("playlist", first.name());
            assertThat(first.data(), containsString(photoId.toString()));
        }
    }

    @Test
    void streamsCarryAHeartbeat() throws Exception {
        try (SseClient frame = SseClient.open(events)) {
            String lastId = frame.await(SseClient.named("playlist")).id();
            SseClient.Event ping = frame.await(SseClient.named("ping"), Duration.ofSeconds(20));
            // The id of the last event this stream carried, so Last-Event-ID stays meaningful.
            assertThat(Long.parseLong(ping.id()), greaterThanOrEqualTo(Long.parseLong(lastId)));
            assertThat(Catalog.JSON.readTree(ping.data()).path("intervalSeconds").asLong(), greaterThan(0L));
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndReadingGoesOn() throws Exception {
        String notJson = UUID.randomUUID().toString();
        String notAPhotoId = "photo-" + UUID.randomUUID();
        UUID mismatched = UUID.randomUUID();
        UUID noRenditions = UUID.randomUUID();
        catalog.send(notJson, "{this is not json");
        catalog.send(notAPhotoId, Catalog.JSON.writeValueAsString(Catalog.photo(UUID.randomUUID(), null)));
        catalog.send(mismatched.toString(), Catalog.JSON.writeValueAsString(Catalog.photo(UUID.randomUUID(), null)));
        PhotoPublished empty = Catalog.photo(noRenditions, null);
        catalog.send(noRenditions.toString(), Catalog.JSON.writeValueAsString(new PhotoPublished(empty.eventId(),
                empty.occurredAt(), noRenditions, empty.sha256(), List.of(), 10, 10, null, null)));
        UUID good = UUID.randomUUID();
        catalog.publish(Catalog.photo(good, null));

        await().atMost(Duration.ofSeconds(60)).until(() -> playlistIds().contains(good.toString()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> dead = Catalog.deadLetters();
            assertThat(dead.stream().map(ConsumerRecord::key).toList(),
                    hasItems(notJson, notAPhotoId, mismatched.toString(), noRenditions.toString()));
            ConsumerRecord<String, String> record = dead.stream().filter(r -> notJson.equals(r.key())).findFirst()
                    .orElseThrow();
            assertEquals("{this is not json", record.value());
            assertEquals(Topics.CATALOG,
                    new String(record.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8));
            assertThat(new String(record.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8),
                    containsString("not a PhotoPublished"));
        });
        List<String> ids = playlistIds();
        for (String poisoned : List.of(notJson, mismatched.toString(), noRenditions.toString())) {
            assertThat(ids, not(hasItem(poisoned)));
        }
    }

    @Test
    void aTombstoneForAnUnknownPhotoIsHarmless() throws Exception {
        UUID unknown = UUID.randomUUID();
        UUID after = UUID.randomUUID();
        catalog.retire(unknown);
        catalog.publish(Catalog.photo(after, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> playlistIds().contains(after.toString()));
    }

    static List<String> playlistIds() {
        return RestAssured.get("/api/v1/playlist").then().statusCode(200).extract().jsonPath().getList("photos.photoId");
    }
}
