package io.imgboard.display.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.service.Playlist;
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
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
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

    @ConfigProperty(name = "imgboard.display.heartbeat")
    Duration heartbeat;

    @Inject
    Playlist playlist;

    @ConfigProperty(name = "mp.messaging.incoming.catalog.group.id")
    String catalogGroup;

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
            SseClient.Event page = frame.await(SseClient.named("page"));
            assertThat(page.data(), not(containsString(photoId.toString())));

            catalog.publish(Catalog.photo(photoId, Instant.parse("2024-06-01T12:00:00Z")));

            SseClient.Event add = frame.await(SseClient.named("add", photoId.toString()));
            assertNotNull(add.id(), "add event without id");
            assertTrue(add.lines().stream().anyMatch(line -> line.startsWith("id:")), "no id: line in " + add.lines());
            assertThat(Long.parseLong(add.id()), greaterThan(Long.parseLong(page.id())));
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
    void aNewClientGetsSettingsWithARandomRetryThenAPageWithThePhoto() throws Exception {
        UUID photoId = UUID.randomUUID();
        // A day no other test uses, and a frame that shows only it: the page is a window of at most
        // 100 photos, and the shared catalog holds many more.
        Instant taken = Instant.parse("1911-03-04T08:00:00Z");
        catalog.publish(Catalog.photo(photoId, taken));
        await().atMost(Duration.ofSeconds(60)).until(() -> playlistIds().contains(photoId.toString()));
        RestAssured.given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType("application/json")
                .body("{\"filter\":{\"from\":\"1911-03-03\",\"to\":\"1911-03-05\"}}")
                .put("/api/v1/frames/stream-1911").then().statusCode(anyOf(equalTo(200), equalTo(201)));

        try (SseClient frame = SseClient.open(URI.create(events + "?frame=stream-1911"))) {
            SseClient.Event first = frame.await(event -> true);
            assertEquals("settings", first.name());
            String retry = first.lines().stream().filter(line -> line.startsWith("retry:")).findFirst().orElseThrow();
            long retryMs = Long.parseLong(retry.substring("retry:".length()));
            assertTrue(retryMs >= 3000 && retryMs <= 30000, retry);
            SseClient.Event page = frame.await(SseClient.named("page"));
            assertNotNull(page.id(), "page event without id");
            JsonNode body = Catalog.JSON.readTree(page.data());
            assertEquals("stream-1911", body.path("frame").asText());
            assertEquals(1, body.path("total").asInt(), page.data());
            assertEquals(0, body.path("position").asInt());
            assertThat(body.path("photos").findValuesAsText("photoId"), hasItem(photoId.toString()));
        }
        try (SseClient frame = SseClient.open(URI.create(events + "?frame=no-such-frame"))) {
            assertEquals(404, frame.response().statusCode());
        }
    }

    /**
     * A stream whose first events wait (here for the playlist, held by the test; in life for a worker
     * during a reconnect storm) gets no ping meanwhile: its first event is {@code settings}, as the
     * contract says. Pings to waiting streams are only for those that connected while the catalog was
     * still being read. Two pings reaching a stream already open prove that two heartbeats went by.
     */
    @Test
    void aStreamWhoseFirstEventsWaitGetsNoPingBeforeItsSettings() throws Exception {
        try (SseClient witness = SseClient.open(events)) {
            witness.await(SseClient.named("page"));
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> playlist.read(photos -> {
                holding.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }), "playlist-holder");
            holder.start();
            SseClient frame = null;
            try {
                assertTrue(holding.await(30, TimeUnit.SECONDS), "the playlist was not taken");
                int pings = witness.events("ping").size();
                frame = new SseClient(events); // connects; its first events wait for the playlist
                await().atMost(heartbeat.multipliedBy(5)).until(() -> witness.events("ping").size() >= pings + 2);
            } finally {
                release.countDown();
                holder.join();
            }
            try (SseClient waited = frame) {
                SseClient.Event first = waited.await(event -> true);
                assertEquals("settings", first.name(), "first events: " + waited.events());
            }
        }
    }

    /**
     * A rebalance (a broker restart, here another member joining and leaving the display's group) gives
     * the catalog's partitions back with nothing committed: the display reads on from where it was, so
     * frames get no history again (a deleted photo added and removed, old settings).
     */
    @Test
    void aRebalanceReadsOnFromWhereTheDisplayWasAndSendsFramesNoHistory() throws Exception {
        UUID deleted = UUID.randomUUID();
        UUID shown = UUID.randomUUID();
        UUID after = UUID.randomUUID();
        try (SseClient frame = SseClient.open(events)) {
            frame.await(SseClient.named("page"));
            catalog.publish(Catalog.photo(deleted, null));
            catalog.publish(Catalog.photo(shown, null));
            catalog.retire(deleted);
            frame.await(SseClient.named("remove", deleted.toString()));
            int before = frame.events().size();

            joinAndLeave(catalogGroup, Topics.CATALOG);
            catalog.publish(Catalog.photo(after, null));
            frame.await(SseClient.named("add", after.toString()), Duration.ofSeconds(60));

            List<SseClient.Event> since = frame.events().subList(before, frame.events().size());
            assertEquals(List.of("add " + after), since.stream().filter(e -> !e.name().equals("ping"))
                    .map(e -> e.name() + " " + (e.data().contains(after.toString()) ? after : e.data())).toList());
            assertThat(playlistIds(), hasItems(shown.toString(), after.toString()));
            assertThat(playlistIds(), not(hasItem(deleted.toString())));
        }
    }

    /** Another consumer joins the group, is given its share (maybe nothing) and leaves: two rebalances. */
    private static void joinAndLeave(String group, String topic) {
        java.util.concurrent.atomic.AtomicBoolean assigned = new java.util.concurrent.atomic.AtomicBoolean();
        try (KafkaConsumer<String, String> member = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Catalog.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            member.subscribe(List.of(topic), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    assigned.set(true);
                }
            });
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!assigned.get() && System.nanoTime() < until) {
                member.poll(Duration.ofMillis(200));
            }
            assertTrue(assigned.get(), "the display's group took in another member");
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
            assertThat(late.await(SseClient.named("page")).data(), not(containsString(photoId.toString())));
        }
    }

    @Test
    void aRepublishedPhotoReplacesItsEntryAndReachesFramesAsAnUpdateNotASecondAdd() throws Exception {
        UUID photoId = UUID.randomUUID();
        try (SseClient frame = SseClient.open(events)) {
            catalog.publish(Catalog.photo(photoId, Instant.parse("2020-01-01T00:00:00Z")));
            frame.await(SseClient.named("add", "2020-01-01T00:00:00Z"));
            catalog.publish(Catalog.photo(photoId, Instant.parse("2021-02-02T00:00:00Z")));
            SseClient.Event update = frame.await(SseClient.named("update", "2021-02-02T00:00:00Z"));
            assertEquals(photoId.toString(), Catalog.JSON.readTree(update.data()).path("photoId").asText());
            assertEquals(1, frame.events().stream().filter(SseClient.named("add", photoId.toString())).count(),
                    "one add per photo: " + frame.events());
        }
        List<String> ids = playlistIds();
        assertEquals(1, ids.stream().filter(photoId.toString()::equals).count());
        String playlist = RestAssured.get("/api/v1/playlist").asString();
        assertThat(playlist, containsString("2021-02-02T00:00:00Z"));
        assertThat(playlist, not(containsString("2020-01-01T00:00:00Z")));
    }

    @Test
    void theEarlyDisplayRenditionIsTheAddAndTheCompleteResultAnUpdateAndARedeliveryNothing() throws Exception {
        UUID photoId = UUID.randomUUID();
        UUID marker = UUID.randomUUID();
        PhotoPublished complete = Catalog.photo(photoId, Instant.parse("2022-05-05T10:00:00Z"));
        try (SseClient frame = SseClient.open(events)) {
            frame.await(SseClient.named("page"));
            catalog.publish(Catalog.early(complete));
            JsonNode early = Catalog.JSON.readTree(frame.await(SseClient.named("add", photoId.toString())).data());
            assertTrue(early.path("renditions").path("uhd").isMissingNode(), early.toString());

            catalog.publish(complete);
            SseClient.Event update = frame.await(SseClient.named("update", photoId.toString()));
            JsonNode full = Catalog.JSON.readTree(update.data());
            assertThat(full.path("renditions").path("uhd").asText(), startsWith("/media/" + photoId + "/uhd.webp?v="));
            assertEquals(early.path("url").asText(), full.path("url").asText(), "the display rendition did not change");

            // The same record again (a redelivery), then another photo: the frame hears of the other only.
            catalog.publish(Catalog.again(complete));
            catalog.publish(Catalog.photo(marker, null));
            frame.await(SseClient.named("add", marker.toString()));
            List<String> told = frame.events().stream().filter(e -> e.data() != null && e.data().contains(photoId.toString()))
                    .map(SseClient.Event::name).toList();
            assertEquals(List.of("add", "update"), told, "what the frame was told of the photo");
        }
    }

    @Test
    void aNamedFrameGetsAnAddWhenAChangeBringsAPhotoIntoItsFilterAndARemoveWhenItLeaves() throws Exception {
        UUID photoId = UUID.randomUUID();
        UUID marker = UUID.randomUUID();
        for (String frame : List.of("stream-1913", "stream-1914")) {
            String year = frame.substring("stream-".length());
            RestAssured.given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType("application/json")
                    .body("{\"filter\":{\"from\":\"" + year + "-01-01\",\"to\":\"" + year + "-12-31\"}}")
                    .put("/api/v1/frames/" + frame).then().statusCode(anyOf(equalTo(200), equalTo(201)));
        }
        try (SseClient of1913 = SseClient.open(URI.create(events + "?frame=stream-1913"));
             SseClient of1914 = SseClient.open(URI.create(events + "?frame=stream-1914"));
             SseClient all = SseClient.open(events)) {
            for (SseClient frame : List.of(of1913, of1914, all)) {
                frame.await(SseClient.named("page"));
            }
            catalog.publish(Catalog.photo(photoId, Instant.parse("1913-06-01T12:00:00Z")));
            of1913.await(SseClient.named("add", photoId.toString()));
            all.await(SseClient.named("add", photoId.toString()));
            // Its capture date read again (a reprocess): it moves from one frame's filter to the other's.
            catalog.publish(Catalog.photo(photoId, Instant.parse("1914-06-01T12:00:00Z")));
            of1913.await(SseClient.named("remove", photoId.toString()));
            of1914.await(SseClient.named("add", photoId.toString()));
            all.await(SseClient.named("update", photoId.toString()));
            catalog.publish(Catalog.photo(marker, Instant.parse("1914-07-01T12:00:00Z")));
            of1914.await(SseClient.named("add", marker.toString()));
            all.await(SseClient.named("add", marker.toString()));
            assertEquals(List.of("add", "remove"), names(of1913, photoId));
            assertEquals(List.of("add"), names(of1914, photoId));
            assertEquals(List.of("add", "update"), names(all, photoId));
        }
    }

    private static List<String> names(SseClient frame, UUID photoId) {
        return frame.events().stream().filter(e -> !"page".equals(e.name()) && e.data() != null
                && e.data().contains(photoId.toString())).map(SseClient.Event::name).toList();
    }

    @Test
    void eventIdsIncreaseAcrossChanges() throws Exception {
        List<UUID> photoIds = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        try (SseClient frame = SseClient.open(events)) {
            frame.await(SseClient.named("page"));
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
            assertThat("page, three adds and a remove: " + frame.events(), ids.size(), greaterThanOrEqualTo(5));
            for (int i = 1; i < ids.size(); i++) {
                assertThat(ids.get(i), greaterThan(ids.get(i - 1)));
            }
        }
    }

    @Test
    void aLastEventIdReconnectGetsOnlyWhatItMissedAndAnUnknownOneAFreshPage() throws Exception {
        UUID kept = UUID.randomUUID();
        UUID retired = UUID.randomUUID();
        UUID changed = UUID.randomUUID();
        UUID added = UUID.randomUUID();
        UUID addedThenChanged = UUID.randomUUID();
        UUID back = UUID.randomUUID();
        PhotoPublished completeChanged = Catalog.photo(changed, null);
        PhotoPublished completeAdded = Catalog.photo(addedThenChanged, null);
        String lastId;
        try (SseClient frame = SseClient.open(events)) {
            frame.await(SseClient.named("page"));
            catalog.publish(Catalog.photo(kept, null));
            catalog.publish(Catalog.photo(retired, null));
            catalog.publish(Catalog.early(completeChanged));
            catalog.publish(Catalog.photo(back, Instant.parse("2001-01-01T00:00:00Z")));
            frame.await(SseClient.named("add", kept.toString()));
            frame.await(SseClient.named("add", retired.toString()));
            frame.await(SseClient.named("add", changed.toString()));
            lastId = frame.await(SseClient.named("add", back.toString())).id();
        }
        // Missed while away: a removal, a new photo, the complete result of one the frame holds, a new
        // photo and its complete result, and a photo retired and published again under its id.
        catalog.retire(retired);
        catalog.publish(Catalog.photo(added, null));
        catalog.publish(completeChanged);
        catalog.publish(Catalog.early(completeAdded));
        catalog.publish(completeAdded);
        catalog.retire(back);
        catalog.publish(Catalog.photo(back, Instant.parse("2002-02-02T00:00:00Z")));
        await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get("/api/v1/playlist").asString()
                .contains("2002-02-02T00:00:00Z"));

        try (SseClient frame = SseClient.open(events, Map.of("Last-Event-ID", lastId))) {
            frame.await(SseClient.named("add", "2002-02-02T00:00:00Z"));
            frame.await(SseClient.named("add", added.toString()));
            frame.await(SseClient.named("remove", retired.toString()));
            frame.await(SseClient.named("update", changed.toString()));
            frame.await(SseClient.named("add", addedThenChanged.toString()));
            assertTrue(frame.events().stream().noneMatch(e -> "page".equals(e.name())), "a resume sends no page");
            assertTrue(frame.events().stream().noneMatch(e -> e.data() != null && e.data().contains(kept.toString())),
                    "nothing the frame already had");
            assertEquals(List.of("update"), names(frame, changed), "the frame holds it: replaced, not added again");
            assertEquals(List.of("add"), names(frame, addedThenChanged), "new to the frame: once, as it is now");
            assertEquals(List.of("remove", "add"), names(frame, back), "gone and back: the old one off, the new one on");
            List<SseClient.Event> changes = frame.events().stream().filter(e -> "add".equals(e.name())
                    || "update".equals(e.name()) || "remove".equals(e.name())).toList();
            for (SseClient.Event change : changes) {
                assertThat(Long.parseLong(change.id()), greaterThan(Long.parseLong(lastId)));
            }
        }
        try (SseClient frame = SseClient.open(events, Map.of("Last-Event-ID", "999999999999"))) {
            assertThat(frame.await(SseClient.named("page")).id(), not(equalTo("999999999999")));
        }
        try (SseClient frame = SseClient.open(events, Map.of("Last-Event-ID", "not-a-number"))) {
            frame.await(SseClient.named("page"));
        }
    }

    @Test
    void streamsCarryAHeartbeat() throws Exception {
        try (SseClient frame = SseClient.open(events)) {
            String lastId = frame.await(SseClient.named("page")).id();
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

    @Test
    void thePlaylistEndpointAnswersAPageOfTheNewestAndHowManyThereAre() throws Exception {
        UUID second = UUID.randomUUID();
        UUID newest = UUID.randomUUID();
        catalog.publish(Catalog.photo(second, Instant.parse("2003-01-01T00:00:00Z")));
        catalog.publish(Catalog.photo(newest, Instant.parse("2003-01-02T00:00:00Z")));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> playlistIds().contains(newest.toString()));

            List<String> all = playlistIds(); // other tests' photos too, newest first
            io.restassured.path.json.JsonPath page = RestAssured.get("/api/v1/playlist?limit=2").then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(all.subList(0, 2), page.getList("photos.photoId"));
            assertEquals(all.size(), page.getInt("total"));
            assertThat(all.indexOf(newest.toString()), lessThan(all.indexOf(second.toString())));
            for (String limit : new String[]{"0", "1001", "-5", "ten"}) {
                RestAssured.get("/api/v1/playlist?limit=" + limit).then().statusCode(400)
                        .body(containsString("limit must be a whole number between 1 and 1000"));
            }
        } finally {
            // Other tests count the playlist's photos.
            catalog.retire(second);
            catalog.retire(newest);
            await().atMost(Duration.ofSeconds(60)).until(() -> !playlistIds().contains(second.toString()));
        }
    }

    static List<String> playlistIds() {
        return RestAssured.get("/api/v1/playlist").then().statusCode(200).extract().jsonPath().getList("photos.photoId");
    }
}
