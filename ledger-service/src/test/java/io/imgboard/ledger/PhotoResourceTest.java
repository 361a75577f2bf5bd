package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.Rendition;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.asService;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photo;
import static io.imgboard.ledger.Pipeline.read;
import static io.imgboard.ledger.Pipeline.removed;
import static io.imgboard.ledger.Pipeline.requestId;
import static io.imgboard.ledger.Pipeline.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API's shapes and errors. */
@QuarkusTest
class PhotoResourceTest {

    @Test
    void unknownContentIsAJson404() {
        given().get("/api/v1/photos/by-sha256/{sha}", newSha256())
                .then().statusCode(404).contentType(ContentType.JSON)
                .body("status", equalTo(404))
                .body("error", containsString("no photo with sha256"));
        given().get("/api/v1/photos/{id}", UUID.randomUUID())
                .then().statusCode(404).contentType(ContentType.JSON).body("status", equalTo(404));
    }

    @Test
    void badInputIsAJson400WithoutAStackTrace() {
        given().get("/api/v1/photos/not-a-uuid")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("status", equalTo(400)).body("error", containsString("not a photo id"))
                .body(not(containsString("at io.")));
        given().get("/api/v1/photos/by-sha256/xyz").then().statusCode(400).body("status", equalTo(400));
        given().get("/api/v1/photos?status=LOST").then().statusCode(400).body("error", containsString("READY"));
        given().get("/api/v1/photos?limit=0").then().statusCode(400).body("status", equalTo(400));
        given().get("/api/v1/photos?limit=lots").then().statusCode(400).contentType(ContentType.JSON);
    }

    @Test
    void anUnknownPathIsAJson404() {
        given().get("/api/v1/nothing-here").then().statusCode(404).contentType(ContentType.JSON)
                .body("status", equalTo(404));
    }

    @Test
    void byIdAndBySha256ShowTheSamePhoto() {
        String sha = newSha256();
        send(arrived("upload:phone-anna", "IMG_" + sha.substring(0, 6) + ".JPG", sha));
        JsonNode bySha = awaitPhoto(sha);
        JsonNode byId = read(given().get("/api/v1/photos/{id}", bySha.get("photoId").asText())
                .then().statusCode(200).extract().asString());
        assertEquals(bySha, byId);
        assertEquals(sha, read(given().get("/api/v1/photos/by-sha256/{sha}", sha.toUpperCase())
                .then().statusCode(200).extract().asString()).get("sha256").asText(), "hex digits in any case");
        for (String field : List.of("photoId", "sha256", "status", "failureReason", "origins", "renditions", "width",
                "height", "capturedAt")) {
            assertTrue(byId.has(field), "has " + field + ": " + byId);
        }
        assertEquals(1234, byId.get("size").asLong());
    }

    @Test
    void theListIsNewestFirstAndFiltersByStatus() {
        String older = newSha256();
        String newer = newSha256();
        send(arrived("folder:nas", "list-" + older.substring(0, 6) + ".jpg", older));
        awaitPhoto(older);
        send(arrived("folder:nas", "list-" + newer.substring(0, 6) + ".jpg", newer));
        awaitPhoto(newer);

        List<String> pending = shas(given().get("/api/v1/photos?status=pending&limit=500"));
        assertTrue(pending.indexOf(newer) >= 0 && pending.indexOf(newer) < pending.indexOf(older),
                "newest first: " + pending);
        assertEquals(newer, shas(given().get("/api/v1/photos?limit=1")).get(0));

        UUID olderId = UUID.fromString(photo(older).get("photoId").asText());
        send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), olderId, requestId(olderId), "unsupported format",
                true));
        await().atMost(Pipeline.TIMEOUT).until(() -> "FAILED".equals(photo(older).get("status").asText()));
        assertTrue(shas(given().get("/api/v1/photos?status=FAILED&limit=500")).contains(older));
        assertTrue(!shas(given().get("/api/v1/photos?status=PENDING&limit=500")).contains(older));
    }

    @Test
    void statsCountPhotosByStatusAndOriginsBeyondTheFirstAsDuplicates() {
        // Different numbers per status (1 pending, 2 ready, 3 failed), so that no mix-up adds up by chance.
        JsonNode before = Pipeline.stats();
        String pending = newSha256();
        List<UUID> ready = new ArrayList<>();
        List<UUID> failed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String sha = newSha256();
            send(arrived("folder:nas", "stats-" + sha.substring(0, 6) + ".jpg", sha));
            (i < 2 ? ready : failed).add(UUID.fromString(awaitPhoto(sha).get("photoId").asText()));
        }
        // the pending photo arrives from three places: two duplicates
        send(arrived("folder:nas", "stats-" + pending.substring(0, 6) + ".jpg", pending));
        send(arrived("upload:phone-anna", "copy-" + pending.substring(0, 6) + ".jpg", pending));
        send(arrived("folder:icloud", "copy-" + pending.substring(0, 6) + ".jpg", pending));
        awaitPhoto(pending);
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(pending).get("origins").size() == 3);
        for (UUID photoId : ready) {
            send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId(photoId),
                    List.of(new Rendition("display", "renditions/" + photoId + "/display.webp", 800, 600, 5000)),
                    800, 600, "jpeg", null, Pipeline.randomPhash(), null));
        }
        for (UUID photoId : failed) {
            send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), photoId, requestId(photoId), "unsupported format",
                    true));
        }
        // one failed photo loses its only origin: a photo without origins has no duplicates either
        String orphanPath = photoById(failed.get(0)).get("origins").get(0).get("path").asText();
        send(removed("folder:nas", orphanPath));
        await().atMost(Pipeline.TIMEOUT).until(() ->
                ready.stream().allMatch(id -> "READY".equals(photoById(id).get("status").asText()))
                        && failed.stream().allMatch(id -> "FAILED".equals(photoById(id).get("status").asText()))
                        && photoById(failed.get(0)).get("origins").isEmpty());

        JsonNode after = Pipeline.stats();
        assertEquals(before.get("photos").asLong() + 6, after.get("photos").asLong(), "photos");
        assertEquals(before.get("pending").asLong() + 1, after.get("pending").asLong(), "pending");
        assertEquals(before.get("ready").asLong() + 2, after.get("ready").asLong(), "ready");
        // the orphan is retired with it: no file left, no failure an operator can act on
        assertEquals("RETIRED", photoById(failed.get(0)).get("state").asText());
        assertEquals(before.get("failed").asLong() + 2, after.get("failed").asLong(), "failed");
        assertEquals(before.get("origins").asLong() + 7, after.get("origins").asLong(), "origins");
        assertEquals(before.get("duplicates").asLong() + 2, after.get("duplicates").asLong(), "duplicates");

        // Hidden, pending and failed count live photos, as the admin's state filters list them: a deleted photo
        // is counted as deleted only (the ops page's tiles add up to the photos).
        asService().post("/api/v1/photos/{id}/hide", ready.get(0)).then().statusCode(200);
        assertEquals(before.get("hidden").asLong() + 1, Pipeline.stats().get("hidden").asLong(), "hidden");
        asService().delete("/api/v1/photos/{id}", ready.get(0)).then().statusCode(200);
        asService().delete("/api/v1/photos/{id}", photo(pending).get("photoId").asText()).then().statusCode(200);
        asService().delete("/api/v1/photos/{id}", failed.get(1)).then().statusCode(200);
        JsonNode deleted = Pipeline.stats();
        assertEquals(before.get("hidden").asLong(), deleted.get("hidden").asLong(), "hidden, once deleted");
        assertEquals(before.get("pending").asLong(), deleted.get("pending").asLong(), "pending, once deleted");
        assertEquals(before.get("failed").asLong() + 1, deleted.get("failed").asLong(), "failed, once one is deleted");
        assertEquals(before.get("deleted").asLong() + 3, deleted.get("deleted").asLong(), "deleted");
    }

    private static JsonNode photoById(UUID photoId) {
        return read(given().get("/api/v1/photos/{id}", photoId).then().statusCode(200).extract().asString());
    }

    @Test
    void readinessChecksTheDatabaseAndKafka() {
        String health = given().get("/q/health/ready").then().statusCode(200).extract().asString();
        assertTrue(health.contains("Database connections health check"), health);
        assertTrue(health.contains("Kafka connection health check"), health);
        given().get("/q/health/live").then().statusCode(200);
    }

    private static List<String> shas(io.restassured.response.Response response) {
        List<String> shas = new ArrayList<>();
        read(response.then().statusCode(200).extract().asString()).forEach(p -> shas.add(p.get("sha256").asText()));
        return shas;
    }
}
