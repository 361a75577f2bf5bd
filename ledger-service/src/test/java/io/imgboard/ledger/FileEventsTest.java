package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.FileArrived;
import io.imgboard.events.Topics;
import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.awaitConsumed;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.awaitRecords;
import static io.imgboard.ledger.Pipeline.keyed;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photo;
import static io.imgboard.ledger.Pipeline.read;
import static io.imgboard.ledger.Pipeline.recordsNow;
import static io.imgboard.ledger.Pipeline.removed;
import static io.imgboard.ledger.Pipeline.send;
import static io.imgboard.ledger.Pipeline.stats;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** imgboard.files → photos, origins and process requests, against the real broker and database. */
@QuarkusTest
@QuarkusTestResource(LocalInfraResource.class)
class FileEventsTest {

    @Inject
    DataSource dataSource;

    @Test
    void newContentBecomesAPendingPhotoAndIsSentForProcessing() {
        double createdBefore = Pipeline.metric("imgboard_ledger_photos_created_total");
        String sha = newSha256();
        FileArrived event = arrived("upload:phone-anna", "IMG_" + sha.substring(0, 6) + ".JPG", sha);
        send(event);

        JsonNode photo = awaitPhoto(sha);
        assertEquals("PENDING", photo.get("status").asText());
        assertEquals(1, photo.get("origins").size());
        assertEquals("upload:phone-anna", photo.get("origins").get(0).get("sourceId").asText());
        assertEquals(event.path(), photo.get("origins").get(0).get("path").asText());
        assertEquals(event.name(), photo.get("origins").get(0).get("name").asText());
        String photoId = photo.get("photoId").asText();

        ConsumerRecord<String, String> request = awaitRecords(Topics.PROCESS_REQUESTS, 1, keyed(photoId)).get(0);
        JsonNode body = read(request.value());
        assertEquals(photoId, body.get("photoId").asText());
        assertEquals(sha, body.get("sha256").asText());
        assertEquals(event.originalKey(), body.get("originalKey").asText());
        assertEquals("image/jpeg", body.get("contentType").asText());
        assertEquals("NEW", body.get("reason").asText());
        assertEquals("display", body.get("renditions").get(0).get("name").asText(),
                "the request carries the ledger's rendition set: " + body.get("renditions"));
        assertEquals(1920, body.get("renditions").get(0).get("width").asInt());
        UUID.fromString(body.get("eventId").asText());
        Pipeline.awaitMetric("imgboard_ledger_photos_created_total", createdBefore + 1);
    }

    @Test
    void theSameContentFromAnotherPlaceIsADuplicateNotASecondPhoto() {
        String sha = newSha256();
        send(arrived("upload:phone-anna", "IMG_" + sha.substring(0, 6) + ".JPG", sha));
        String photoId = awaitPhoto(sha).get("photoId").asText();
        awaitRecords(Topics.PROCESS_REQUESTS, 1, keyed(photoId));
        long duplicatesBefore = stats().get("duplicates").asLong();
        long photosBefore = stats().get("photos").asLong();
        double duplicatesCounted = Pipeline.metric("imgboard_ledger_duplicates_total");

        RecordMetadata copy = send(arrived("folder:icloud", "Photos/2026/IMG_" + sha.substring(0, 6) + ".JPG", sha));
        awaitConsumed(copy);

        JsonNode photo = photo(sha);
        assertEquals(photoId, photo.get("photoId").asText());
        assertEquals(2, photo.get("origins").size());
        assertEquals("upload:phone-anna", photo.get("origins").get(0).get("sourceId").asText(), "oldest origin first");
        assertEquals("folder:icloud", photo.get("origins").get(1).get("sourceId").asText());
        JsonNode stats = stats();
        assertEquals(duplicatesBefore + 1, stats.get("duplicates").asLong());
        assertEquals(photosBefore, stats.get("photos").asLong());
        Pipeline.awaitMetric("imgboard_ledger_duplicates_total", duplicatesCounted + 1);
        awaitAllSent(photoId);
        assertEquals(1, recordsNow(Topics.PROCESS_REQUESTS, keyed(photoId)).size(), "a duplicate is not processed again");
    }

    @Test
    void seeingAKnownFileAgainOnlyTouchesItsOrigin() {
        String sha = newSha256();
        FileArrived first = arrived("folder:nas", "again-" + sha.substring(0, 6) + ".jpg", sha);
        send(first);
        String photoId = awaitPhoto(sha).get("photoId").asText();
        String firstSeen = photo(sha).get("origins").get(0).get("firstSeenAt").asText();

        RecordMetadata again = send(arrived("folder:nas", first.path(), sha));
        awaitConsumed(again);

        JsonNode origin = photo(sha).get("origins").get(0);
        assertEquals(1, photo(sha).get("origins").size());
        assertEquals(firstSeen, origin.get("firstSeenAt").asText());
        assertTrue(Instant.parse(origin.get("lastSeenAt").asText()).isAfter(Instant.parse(firstSeen)), "last seen moves on");
        awaitAllSent(photoId);
        assertEquals(1, recordsNow(Topics.PROCESS_REQUESTS, keyed(photoId)).size());
    }

    @Test
    void aReplacedFileMovesItsOriginToTheNewContent() {
        String oldSha = newSha256();
        String newSha = newSha256();
        String path = "edited-" + oldSha.substring(0, 6) + ".jpg";
        send(arrived("folder:nas", path, oldSha));
        awaitPhoto(oldSha);

        send(arrived("folder:nas", path, newSha));

        JsonNode replacement = awaitPhoto(newSha);
        assertEquals(1, replacement.get("origins").size());
        assertEquals(path, replacement.get("origins").get(0).get("path").asText());
        assertEquals(0, photo(oldSha).get("origins").size(), "the old content stays known, without that origin");
        awaitRecords(Topics.PROCESS_REQUESTS, 1, keyed(replacement.get("photoId").asText()));
    }

    @Test
    void aRemovedFileLosesItsOriginButThePhotoStays() {
        String sha = newSha256();
        send(arrived("folder:nas", "keep-" + sha.substring(0, 6) + ".jpg", sha));
        send(arrived("upload:phone-ben", "gone-" + sha.substring(0, 6) + ".jpg", sha));
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(sha).get("origins").size() == 2);

        send(removed("upload:phone-ben", "gone-" + sha.substring(0, 6) + ".jpg"));

        await().atMost(Pipeline.TIMEOUT).until(() -> photo(sha).get("origins").size() == 1);
        assertEquals("folder:nas", photo(sha).get("origins").get(0).get("sourceId").asText());
        given().get("/api/v1/photos/by-sha256/{sha}", sha).then().statusCode(200).body("status", equalTo("PENDING"));
    }

    /** No outbox row about this photo is still waiting, so the topic shows everything the ledger will send for it. */
    private void awaitAllSent(String photoId) {
        Db db = new Db(dataSource);
        await().atMost(Pipeline.TIMEOUT).until(() ->
                db.count("SELECT count(*) FROM outbox WHERE message_key = ? AND sent_at IS NULL", photoId) == 0);
        List<?> rows = db.rows("SELECT id FROM outbox WHERE message_key = ?", photoId);
        assertTrue(!rows.isEmpty(), "the photo's events went through the outbox");
    }
}
