package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import static io.imgboard.ledger.Pipeline.read;
import static io.imgboard.ledger.Pipeline.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reprocess jobs report honest progress; the rendition set is the ledger's and its change starts one. */
@QuarkusTest
class JobsTest {

    @Test
    void aReprocessJobKnowsItsTotalAtOnceAndRunsUntilEveryPhotoHasAResult() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String sha = newSha256();
            send(arrived("folder:jobs", "job-" + sha.substring(0, 6) + ".jpg", sha));
            UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
            processed(id, 800, 600, null, randomPhash());
            ids.add(id);
        }
        await().atMost(Pipeline.TIMEOUT).until(() -> ids.stream().allMatch(id -> "READY".equals(photoById(id).get("status").asText())));

        JsonNode job = read(asService().contentType(ContentType.JSON).body(Map.of("scope", "all"))
                .post("/api/v1/jobs/reprocess").then().statusCode(202).extract().asString());
        int total = job.get("total").asInt();
        assertEquals("running", job.get("state").asText());
        assertEquals(0, job.get("done").asInt());
        asService().contentType(ContentType.JSON).body(Map.of("scope", "all")).post("/api/v1/jobs/reprocess")
                .then().statusCode(409).body("error", equalTo("Reprocessing already in progress"));

        // every photo of the ledger is in the job; answer them all (one fails for good)
        List<UUID> all = new ArrayList<>();
        Pipeline.recordsNow(Topics.PROCESS_REQUESTS, r -> "REPROCESS".equals(read(r.value()).path("reason").asText()))
                .forEach(r -> all.add(UUID.fromString(r.key())));
        assertTrue(all.containsAll(ids) && all.stream().distinct().count() >= total, "a request per photo of the job");
        UUID failing = ids.get(0);
        send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), failing, latestRequestId(failing), "corrupt", true));
        await().atMost(Pipeline.TIMEOUT).until(() -> current().get("failed").asInt() == 1);
        assertEquals("running", current().get("state").asText(), "running until every photo has a result");
        assertEquals("READY", photoById(failing).get("status").asText(), "a failed re-render keeps the old renditions");
        for (UUID id : all.stream().distinct().toList()) {
            if (!id.equals(failing)) {
                processed(id, 800, 600, null, randomPhash());
            }
        }
        await().atMost(Pipeline.TIMEOUT).until(() -> "finished".equals(current().get("state").asText()));
        JsonNode done = current();
        assertEquals(total - 1, done.get("done").asInt());
        assertEquals(1, done.get("failed").asInt());
    }

    @Test
    void renditionsAreTheLedgersAndAQualityOnlyChangeStartsNoJob() {
        JsonNode set = read(given().get("/api/v1/renditions").then().statusCode(200).extract().asString());
        assertEquals("display", set.get("renditions").get(0).get("name").asText());
        List<Map<String, Object>> changed = new ArrayList<>();
        set.get("renditions").forEach(r -> changed.add(Map.of("name", r.get("name").asText(),
                "width", r.get("width").asInt(), "height", r.get("height").asInt(),
                "quality", r.get("name").asText().equals("display") ? 80 : r.get("quality").asInt())));
        asService().contentType(ContentType.JSON).body(Map.of("renditions", changed)).put("/api/v1/renditions")
                .then().statusCode(200).body("changed", equalTo(true)).body("reprocessing", equalTo(false));
        asService().contentType(ContentType.JSON).body(Map.of("renditions", changed)).put("/api/v1/renditions")
                .then().statusCode(200).body("changed", equalTo(false));
        asService().contentType(ContentType.JSON).body(Map.of("renditions", List.of(Map.of("name", "BAD NAME",
                "width", 1, "height", 1, "quality", 50)))).put("/api/v1/renditions").then().statusCode(400);
        assertEquals(80, read(given().get("/api/v1/renditions").then().extract().asString())
                .get("renditions").get(0).get("quality").asInt());
    }

    private static JsonNode current() {
        return read(given().get("/api/v1/jobs/current").then().statusCode(200).extract().asString());
    }
}
