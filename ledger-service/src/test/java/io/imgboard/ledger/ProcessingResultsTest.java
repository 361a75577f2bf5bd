package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.FileArrived;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.asService;
import static io.imgboard.ledger.Pipeline.awaitConsumed;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.awaitRecords;
import static io.imgboard.ledger.Pipeline.keyed;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photo;
import static io.imgboard.ledger.Pipeline.read;
import static io.imgboard.ledger.Pipeline.requestId;
import static io.imgboard.ledger.Pipeline.recordsNow;
import static io.imgboard.ledger.Pipeline.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** imgboard.processing-results → READY (and the catalog) or FAILED (and the failures list). */
@QuarkusTest
class ProcessingResultsTest {
    @Inject
    DataSource dataSource;

    /**
     * An operator hides a photo while its renditions' result is being handled. Here the hide's transaction
     * holds the row while the result arrives, and commits once the result's handling waits on it. The hide
     * must stand, and frames must not be told the photo is shown: the handling decides on the photo as it is
     * once the hide has committed. Reading it before, as it once did, wrote {@code hidden = false} back
     * (every column of the row) and published the photo.
     */
    @Test
    void anOperatorsHideCommittingWhileAResultIsHandledStands() throws Exception {
        String sha = newSha256();
        send(arrived("upload:phone-anna", "IMG_" + sha.substring(0, 6) + ".JPG", sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        UUID requestId = requestId(photoId);
        Db db = new Db(dataSource);
        try (Connection operator = db.leftOpen("UPDATE photo SET hidden = true WHERE id = ?", photoId)) {
            send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId,
                    List.of(new Rendition("display", "renditions/" + photoId + "/display.webp", 1440, 1080, 90000)),
                    4032, 3024, "jpeg", null, Pipeline.randomPhash(), null));
            await().atMost(Pipeline.TIMEOUT).until(() -> db.waitingFor(operator) > 0);
            operator.commit();
        }

        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photo(sha).get("status").asText()));
        assertTrue(photo(sha).get("hidden").asBoolean(), "the operator's hide was written over: " + photo(sha));
        asService().post("/api/v1/photos/{id}/unhide", photoId).then().statusCode(200);
        // One record, the unhide's: the photo was not published while hidden (that record would come first).
        Pipeline.assertStays(Topics.CATALOG, keyed(photoId), 1, Duration.ofSeconds(3));
    }


    @Test
    void aProcessedPhotoBecomesReadyAndIsPublishedToTheCatalog() {
        String sha = newSha256();
        FileArrived arrived = arrived("upload:phone-anna", "IMG_" + sha.substring(0, 6) + ".HEIC", sha);
        send(arrived);
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        UUID requestId = requestId(photoId);

        List<Rendition> renditions = List.of(
                new Rendition("display", "renditions/" + photoId + "/display.webp", 810, 1080, 91234),
                new Rendition("thumb", "renditions/" + photoId + "/thumb.webp", 360, 480, 12001));
        Instant capturedAt = Instant.parse("2026-08-01T10:42:07Z");
        send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId, renditions, 3024, 4032, "heif",
                new PhotoProcessed.Capture(capturedAt, "2026-08-01T12:42:07", "+02:00", "Apple", "iPhone 15"),
                "c3d4e5f6a7b8c9d0", "data:image/webp;base64,UklGRg=="));

        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photo(sha).get("status").asText()));
        JsonNode photo = photo(sha);
        assertEquals(3024, photo.get("width").asInt());
        assertEquals(4032, photo.get("height").asInt());
        assertEquals("heif", photo.get("format").asText());
        assertEquals(capturedAt, Instant.parse(photo.get("capturedAt").asText()));
        assertEquals("2026-08-01T12:42:07", photo.get("capturedLocal").asText(), "the day the admin page shows, as frames do");
        assertEquals("Apple", photo.get("cameraMake").asText());
        assertEquals("iPhone 15", photo.get("cameraModel").asText());
        assertEquals("c3d4e5f6a7b8c9d0", photo.get("perceptualHash").asText());
        assertEquals(2, photo.get("renditions").size());
        assertEquals("renditions/" + photoId + "/display.webp", photo.get("renditions").get(0).get("key").asText());
        assertEquals(91234, photo.get("renditions").get(0).get("bytes").asLong());

        ConsumerRecord<String, String> published = awaitRecords(Topics.CATALOG, 1, keyed(photoId)).get(0);
        JsonNode body = read(published.value());
        assertEquals(photoId.toString(), body.get("photoId").asText());
        assertEquals(sha, body.get("sha256").asText());
        assertEquals(3024, body.get("width").asInt());
        assertEquals(4032, body.get("height").asInt());
        assertEquals(capturedAt, Instant.parse(body.get("capturedAt").asText()));
        assertEquals("2026-08-01T12:42:07", body.get("capturedLocal").asText(), "the camera's own clock: the day frames show");
        assertEquals("data:image/webp;base64,UklGRg==", body.get("placeholder").asText());
        assertEquals(2, body.get("renditions").size());
        assertEquals("thumb", body.get("renditions").get(1).get("name").asText());
        assertEquals(480, body.get("renditions").get(1).get("height").asInt());
    }

    @Test
    void withoutCaptureTimeTheCatalogFallsBackToTheFilesOwnTime() {
        String sha = newSha256();
        FileArrived arrived = arrived("folder:nas", "scan-" + sha.substring(0, 6) + ".png", sha);
        send(arrived);
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());

        send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId(photoId),
                List.of(new Rendition("display", "renditions/" + photoId + "/display.webp", 800, 600, 5000)),
                800, 600, "png", null, Pipeline.randomPhash(), null));

        JsonNode body = read(awaitRecords(Topics.CATALOG, 1, keyed(photoId)).get(0).value());
        assertEquals(arrived.fileModifiedAt(), Instant.parse(body.get("capturedAt").asText()));
        assertTrue(body.get("capturedLocal").isNull(), "a file's time has no camera clock");
        assertTrue(photo(sha).get("capturedAt").isNull(), "the ledger itself does not invent a capture time");
        assertTrue(photo(sha).get("capturedLocal").isNull());
    }

    @Test
    void aFailedPhotoIsFailedAndListedWithItsReason() {
        String sha = newSha256();
        String name = "broken-" + sha.substring(0, 6) + ".jpg";
        send(arrived("folder:nas", "2026/" + name, sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        String reason = "not a readable image: VipsJpeg: Premature end of JPEG file";
        double failuresBefore = Pipeline.metric("imgboard_ledger_failures_total{permanent=\"true\"");

        send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), photoId, requestId(photoId), reason, true));

        await().atMost(Pipeline.TIMEOUT).until(() -> "FAILED".equals(photo(sha).get("status").asText()));
        assertEquals(reason, photo(sha).get("failureReason").asText());
        Pipeline.awaitMetric("imgboard_ledger_failures_total{permanent=\"true\"", failuresBefore + 1);
        JsonNode failures = read(given().get("/api/v1/failures").then().statusCode(200).extract().asString());
        JsonNode failure = null;
        for (JsonNode candidate : failures) {
            if (photoId.toString().equals(candidate.get("photoId").asText())) {
                failure = candidate;
            }
        }
        assertTrue(failure != null, "listed at /api/v1/failures: " + failures);
        assertEquals(sha, failure.get("sha256").asText());
        assertEquals(reason, failure.get("reason").asText());
        assertTrue(failure.get("permanent").asBoolean());
        assertEquals(name, failure.get("names").get(0).asText());
        Instant.parse(failure.get("failedAt").asText());
        assertTrue(recordsNow(Topics.CATALOG, keyed(photoId)).isEmpty(), "a failed photo is not published");
    }

    @Test
    void aResultForAnUnknownPhotoIsIgnoredAndTheNextOneStillHandled() {
        UUID stranger = UUID.randomUUID();
        RecordMetadata unknown = send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), stranger, UUID.randomUUID(),
                "whatever", false));
        awaitConsumed(unknown);
        given().get("/api/v1/photos/{id}", stranger).then().statusCode(404);
        assertFalse(recordsNow(Topics.DEAD_LETTER, keyed(stranger)).iterator().hasNext(),
                "ignored, not dead-lettered");
    }

    @Test
    void aResultForAnOlderRequestIsStaleAndIgnored() {
        String sha = newSha256();
        send(arrived("folder:nas", "stale-" + sha.substring(0, 6) + ".jpg", sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());

        RecordMetadata stale = send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), photoId, UUID.randomUUID(),
                "from a request nobody made", true));
        awaitConsumed(stale);

        assertEquals("PENDING", photo(sha).get("status").asText());
    }
    @Test
    void aLateFailureReportDoesNotFailAPhotoThatIsReady() {
        String sha = newSha256();
        send(arrived("folder:nas", "late-" + sha.substring(0, 6) + ".jpg", sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        UUID requestId = requestId(photoId);
        send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId,
                List.of(new Rendition("display", "renditions/" + photoId + "/display.webp", 800, 600, 5000)),
                800, 600, "jpeg", null, Pipeline.randomPhash(), null));
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photo(sha).get("status").asText()));

        // the same request: not stale, but the photo already has its renditions
        RecordMetadata late = send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), photoId, requestId,
                "timed out waiting for the renditions bucket", false));
        awaitConsumed(late);

        JsonNode photo = photo(sha);
        assertEquals("READY", photo.get("status").asText());
        assertTrue(photo.get("failureReason").isNull(), "no failure recorded: " + photo);
        assertEquals(1, photo.get("renditions").size());
        JsonNode failures = read(given().get("/api/v1/failures?limit=500").then().statusCode(200).extract().asString());
        failures.forEach(f -> assertFalse(photoId.toString().equals(f.get("photoId").asText()), "not listed as failed"));
    }

    @Test
    void aResultWithoutRequestIdIsDeadLetteredAndChangesNothing() {
        String sha = newSha256();
        send(arrived("folder:nas", "no-request-" + sha.substring(0, 6) + ".jpg", sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        ProcessingFailed withoutRequest = new ProcessingFailed(UUID.randomUUID(), Instant.now(), photoId, null,
                "unsupported format", true);

        send(withoutRequest);

        ConsumerRecord<String, String> dead = awaitRecords(Topics.DEAD_LETTER, 1, keyed(photoId)).get(0);
        assertEquals(withoutRequest.eventId().toString(), read(dead.value()).get("eventId").asText());
        assertEquals("PENDING", photo(sha).get("status").asText());
    }

    @Test
    void theSameResultDeliveredTwiceIsAppliedOnce() {
        String sha = newSha256();
        send(arrived("folder:nas", "result-twice-" + sha.substring(0, 6) + ".jpg", sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        // one event (one eventId) delivered twice, as Kafka may after a crash before the offset commit
        PhotoProcessed processed = new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId(photoId),
                List.of(new Rendition("display", "renditions/" + photoId + "/display.webp", 800, 600, 5000)),
                800, 600, "jpeg", null, Pipeline.randomPhash(), null);

        send(processed);
        RecordMetadata again = send(processed);
        awaitConsumed(again);

        awaitRecords(Topics.CATALOG, 1, keyed(photoId));
        // Applied a second time, it would publish the photo a second time: give that a chance to show.
        Pipeline.assertStays(Topics.CATALOG, keyed(photoId), 1, Duration.ofSeconds(4));
        assertEquals("READY", photo(sha).get("status").asText());
    }

    @Test
    void anEarlyResultPublishesThePhotoWithItsDisplayRenditionAndTheCompleteOneUpdatesIt() {
        String sha = newSha256();
        send(arrived("upload:phone-anna", "IMG_" + sha.substring(0, 6) + ".JPG", sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        UUID requestId = requestId(photoId);
        String phash = Pipeline.randomPhash();
        Rendition display = new Rendition("display", "renditions/" + photoId + "/display.webp", 1440, 1080, 91234);
        Rendition uhd = new Rendition("uhd", "renditions/" + photoId + "/uhd.webp", 2880, 2160, 301234);
        Rendition thumb = new Rendition("thumb", "renditions/" + photoId + "/thumb.webp", 480, 360, 12001);

        send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId, List.of(display), 4032, 3024,
                "jpeg", null, phash, null, List.of("uhd", "thumb")));

        JsonNode first = read(awaitRecords(Topics.CATALOG, 1, keyed(photoId)).get(0).value());
        assertEquals(List.of("display"), names(first.get("renditions")));
        assertEquals("READY", photo(sha).get("status").asText());

        send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId, List.of(display, uhd, thumb),
                4032, 3024, "jpeg", null, phash, null));

        JsonNode second = read(awaitRecords(Topics.CATALOG, 2, keyed(photoId)).get(1).value());
        assertEquals(List.of("display", "uhd", "thumb"), names(second.get("renditions")));
        assertEquals(List.of("display", "uhd", "thumb"), names(photo(sha).get("renditions")));

        // the early result delivered again after the complete one: nothing goes back to one rendition
        RecordMetadata late = send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId,
                List.of(display), 4032, 3024, "jpeg", null, phash, null, List.of("uhd", "thumb")));
        awaitConsumed(late);
        assertEquals(List.of("display", "uhd", "thumb"), names(photo(sha).get("renditions")));
        assertEquals(2, recordsNow(Topics.CATALOG, keyed(photoId)).size());
    }

    private static List<String> names(JsonNode renditions) {
        List<String> names = new java.util.ArrayList<>();
        renditions.forEach(r -> names.add(r.get("name").asText()));
        return names;
    }
}
