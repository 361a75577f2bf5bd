package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.asService;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.awaitRecords;
import static io.imgboard.ledger.Pipeline.keyed;
import static io.imgboard.ledger.Pipeline.latestRequestId;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photoById;
import static io.imgboard.ledger.Pipeline.processed;
import static io.imgboard.ledger.Pipeline.randomPhash;
import static io.imgboard.ledger.Pipeline.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Temporary processing failures heal: the ledger asks again with a growing pause, as the preprocessor
 * answers a request during an outage (ProcessingFailed, permanent=false) and after it (PhotoProcessed).
 */
@QuarkusTest
class HealingTest {

    @Inject
    DataSource dataSource;

    @Test
    void temporaryFailuresAreAskedAgainUntilThePhotoIsReady() {
        String sha = newSha256();
        send(arrived("folder:nas", "heal-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        // the preprocessor's S3 is away: three answers in a row are temporary failures
        for (int failure = 1; failure <= 3; failure++) {
            UUID request = latestRequestId(id);
            send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), id, request,
                    "S3 unreachable: connection refused", false));
            awaitRecords(Topics.PROCESS_REQUESTS, failure + 1, keyed(id));
            assertNotEquals(request, latestRequestId(id), "a new request, not the old one again");
            assertEquals("PENDING", photoById(id).get("status").asText(), "never FAILED while it heals");
        }
        processed(id, 800, 600, null, randomPhash());
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(id).get("status").asText()));
        JsonNode photo = photoById(id);
        assertTrue(photo.get("failureReason").isNull());
        awaitRecords(Topics.CATALOG, 1, keyed(id));
    }

    @Test
    void aPermanentFailureIsFailedAtOnceAndTheRetryRouteAsksAgain() {
        String sha = newSha256();
        send(arrived("folder:nas", "perm-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), id, latestRequestId(id), "truncated JPEG", true));
        await().atMost(Pipeline.TIMEOUT).until(() -> "FAILED".equals(photoById(id).get("status").asText()));
        assertEquals("truncated JPEG", photoById(id).get("failureReason").asText());

        asService().post("/api/v1/photos/{id}/retry", id).then().statusCode(200);
        awaitRecords(Topics.PROCESS_REQUESTS, 2, keyed(id));
        assertEquals("PENDING", photoById(id).get("status").asText());
        processed(id, 800, 600, null, randomPhash());
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(id).get("status").asText()));
        asService().post("/api/v1/photos/{id}/retry", id).then().statusCode(409).body("error", containsString("ready"));
    }

    /**
     * An operator deletes a failed photo while "retry all" runs: retry-all waits for its row and leaves it
     * alone, rather than ask for a deleted photo again (which would keep its renditions). The delete is
     * held open in the real database to make the race certain.
     */
    @Test
    void aFailedPhotoDeletedWhileRetryAllRunsIsNotAskedForAgain() throws Exception {
        String sha = newSha256();
        send(arrived("folder:nas", "gone-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), id, latestRequestId(id), "truncated JPEG", true));
        await().atMost(Pipeline.TIMEOUT).until(() -> "FAILED".equals(photoById(id).get("status").asText()));

        Db db = new Db(dataSource);
        try (java.sql.Connection operator = db.leftOpen("UPDATE photo SET deleted_at = now() WHERE id = ?", id)) {
            java.util.concurrent.CompletableFuture<Integer> retry = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    asService().post("/api/v1/failures/retry").then().extract().statusCode());
            await().atMost(Pipeline.TIMEOUT).until(() -> db.waitingFor(operator) > 0 || retry.isDone());
            operator.commit();
            assertEquals(200, retry.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        // Its one request is the first; asking again would be a second.
        Pipeline.assertStays(Topics.PROCESS_REQUESTS, keyed(id), 1, java.time.Duration.ofSeconds(3));
    }

    @Test
    void temporaryFailuresOlderThanTheMaximumAgeEndInFailedWithTheReason() {
        Db db = new Db(dataSource);
        String sha = newSha256();
        send(arrived("folder:nas", "old-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), id, latestRequestId(id), "S3 unreachable", false));
        awaitRecords(Topics.PROCESS_REQUESTS, 2, keyed(id));
        // the failures began 25 hours ago (the default maximum age is 24 h)
        db.update("UPDATE photo SET first_failed_at = now() - interval '25 hours' WHERE id = ?", id);
        send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), id, latestRequestId(id), "S3 unreachable", false));
        await().atMost(Pipeline.TIMEOUT).until(() -> "FAILED".equals(photoById(id).get("status").asText()));
        assertTrue(photoById(id).get("failureReason").asText().contains("S3 unreachable"));

        asService().post("/api/v1/failures/retry").then().statusCode(200);
        awaitRecords(Topics.PROCESS_REQUESTS, 3, keyed(id));
        await().atMost(Pipeline.TIMEOUT).until(() -> "PENDING".equals(photoById(id).get("status").asText()));
    }

    /**
     * A Finder-style stalled write: the partial file failed for good, then the complete file replaced it
     * at the same path, which retired the partial photo. With no file left it is no failure an operator
     * can act on: it leaves the failed list and every failed count (img-board's {@code raw} too), and
     * stays in the ledger as retired.
     */
    @Test
    void aRetiredFailureLeavesTheFailedListAndCounts() {
        String partial = newSha256();
        String complete = newSha256();
        String path = "DCIM/IMG_" + partial.substring(0, 6) + ".JPG";
        String reason = "truncated JPEG " + partial.substring(0, 8);
        send(arrived("folder:nas", path, partial));
        UUID id = UUID.fromString(awaitPhoto(partial).get("photoId").asText());
        send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), id, latestRequestId(id), reason, true));
        await().atMost(Pipeline.TIMEOUT).until(() -> failureIds().contains(id.toString()));
        JsonNode before = Pipeline.stats();
        assertEquals(1, before.get("stages").get("failed").path(reason).asLong(), before.toString());
        assertEquals(1, before.get("sources").get("folder:nas").get("failed").path(reason).asLong());

        send(arrived("folder:nas", path, complete)); // the complete file, written over the partial one
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(id).get("state").asText()));
        assertFalse(failureIds().contains(id.toString()), "no longer listed as a failure");
        JsonNode after = Pipeline.stats();
        assertTrue(after.get("stages").get("failed").path(reason).isMissingNode(), after.toString());
        assertEquals(before.get("failed").asLong() - 1, after.get("failed").asLong(), "the failed count drops it");
        assertEquals("FAILED", photoById(id).get("status").asText(), "the row stays, retired");
        assertEquals(reason, photoById(id).get("failureReason").asText());
    }

    private static List<String> failureIds() {
        List<String> ids = new ArrayList<>();
        Pipeline.read(given().get("/api/v1/failures?limit=500").then().statusCode(200).extract().asString())
                .forEach(f -> ids.add(f.get("photoId").asText()));
        return ids;
    }
}
