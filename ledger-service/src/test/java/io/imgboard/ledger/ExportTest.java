package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileExported;
import io.imgboard.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.asService;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.awaitRecords;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photoById;
import static io.imgboard.ledger.Pipeline.processed;
import static io.imgboard.ledger.Pipeline.randomPhash;
import static io.imgboard.ledger.Pipeline.read;
import static io.imgboard.ledger.Pipeline.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export into a folder that is also a folder source, without loops: exported files become origins of
 * the export source, photos from that source are never exported into it, and a second run and a
 * scan of the folder change no count.
 */
@QuarkusTest
class ExportTest {
    private static final String TARGET = "folder:exp";

    @Inject
    DataSource dataSource;

    @Test
    void exportingTwiceAndScanningTheFolderChangesNothingAndNothingLoops() {
        // one photo from elsewhere (to export) and one that came from the export folder itself
        String elsewhere = newSha256();
        String fromTarget = newSha256();
        send(arrived("upload:api", "IMG_" + elsewhere.substring(0, 6) + ".JPG", elsewhere));
        send(arrived(TARGET, "2020/01/own-" + fromTarget.substring(0, 6) + ".jpg", fromTarget));
        UUID elsewhereId = UUID.fromString(awaitPhoto(elsewhere).get("photoId").asText());
        UUID fromTargetId = UUID.fromString(awaitPhoto(fromTarget).get("photoId").asText());
        processed(elsewhereId, 800, 600, Instant.parse("2024-07-03T10:00:00Z"), randomPhash());
        processed(fromTargetId, 800, 600, null, randomPhash());
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(elsewhereId).get("status").asText())
                && "READY".equals(photoById(fromTargetId).get("status").asText()));

        asService().contentType(ContentType.JSON).body(Map.of("path", "relative/path")).put("/api/v1/export")
                .then().statusCode(400).body("error", containsString("absolute"));
        asService().contentType(ContentType.JSON).body(Map.of("path", "/srv/photos/../etc")).put("/api/v1/export")
                .then().statusCode(400);
        asService().contentType(ContentType.JSON)
                .body(Map.of("path", "/srv/export", "layout", "date", "mode", "full", "sourceId", TARGET))
                .put("/api/v1/export").then().statusCode(200);
        assertEquals("/srv/export", read(given().get("/api/v1/export").then().statusCode(200).extract().asString())
                .get("path").asText());

        // a photo hidden from the frames is not exported, and the plan says so rather than leaving it out unsaid
        String hiddenSha = newSha256();
        send(arrived("upload:api", "IMG_" + hiddenSha.substring(0, 6) + ".JPG", hiddenSha));
        UUID hiddenId = UUID.fromString(awaitPhoto(hiddenSha).get("photoId").asText());
        processed(hiddenId, 800, 600, null, randomPhash());
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(hiddenId).get("status").asText()));
        asService().post("/api/v1/photos/" + hiddenId + "/hide").then().statusCode(200);

        JsonNode simulated = plan("/api/v1/export/simulate", 200);
        assertTrue(simulated.get("skipped").get("came from the export folder").asInt() >= 1);
        assertTrue(simulated.get("skipped").path("hidden from the frames").asInt() >= 1, simulated.toString());
        JsonNode first = plan("/api/v1/export/run", 202);
        assertEquals(simulated.get("export").asInt(), first.get("export").asInt(), "simulate predicts the run");
        UUID run = UUID.fromString(first.get("runId").asText());
        List<ConsumerRecord<String, String>> requests = awaitRecords(Topics.EXPORT_REQUESTS, first.get("export").asInt(),
                r -> r.value().contains(run.toString()));
        Map<UUID, String> paths = new HashMap<>();
        requests.forEach(r -> paths.put(UUID.fromString(read(r.value()).get("photoId").asText()),
                read(r.value()).get("relativePath").asText()));
        assertEquals("2024/07/IMG_" + elsewhere.substring(0, 6) + ".JPG", paths.get(elsewhereId), "date layout");
        assertFalse(paths.containsKey(fromTargetId), "never exported into the source it came from");
        assertFalse(paths.containsKey(hiddenId), "a hidden photo is not exported");

        // ingest writes each file and answers; the folder source then scans the same files
        for (Map.Entry<UUID, String> e : paths.entrySet()) {
            String sha = photoById(e.getKey()).get("sha256").asText();
            send((FileEvent) new FileExported(UUID.randomUUID(), Instant.now(), TARGET, e.getValue(), run, e.getKey(),
                    sha, true, null));
        }
        await().atMost(Pipeline.TIMEOUT).until(() -> photoById(elsewhereId).get("origins").size() == 2);
        JsonNode statsBefore = Pipeline.stats();
        long photosBefore = statsBefore.get("photos").asLong();
        send(arrived(TARGET, paths.get(elsewhereId), elsewhere));

        JsonNode second = plan("/api/v1/export/run", 202);
        assertEquals(0, second.get("export").asInt(), "a second run exports nothing: " + second);
        assertTrue(second.get("skipped").get("already exported").asInt() >= paths.size());
        await().atMost(Pipeline.TIMEOUT).until(() -> read(given().get("/api/v1/export").then().extract().asString())
                .get("lastRun").get("id").asText().equals(second.get("runId").asText()));
        JsonNode firstRun = Pipeline.read(given().get("/api/v1/export").then().extract().asString());
        assertTrue(firstRun.get("lastRun").get("requested").asInt() == 0);
        Pipeline.awaitConsumed(send(arrived(TARGET, paths.get(elsewhereId), elsewhere)));
        JsonNode statsAfter = Pipeline.stats();
        assertEquals(photosBefore, statsAfter.get("photos").asLong(), "the scan found no new photo");
        assertEquals(statsBefore.get("duplicates").asLong(), statsAfter.get("duplicates").asLong(),
                "the exported file is a known place, not a duplicate");
        assertEquals(2, photoById(elsewhereId).get("origins").size());
    }

    /**
     * Saving the same folder again (the admin's Save after changing the layout) keeps its going-forward baseline:
     * photos that arrived since it and were not exported yet are still to be exported. A new folder starts now.
     */
    @Test
    void savingTheSameFolderAgainKeepsItsBaseline() {
        Instant first = Instant.parse("2020-01-01T00:00:00Z");
        asService().contentType(ContentType.JSON)
                .body(Map.of("path", "/srv/baseline", "layout", "date", "mode", "going-forward", "baseline", first.toString()))
                .put("/api/v1/export").then().statusCode(200);
        JsonNode relaid = read(asService().contentType(ContentType.JSON)
                .body(Map.of("path", "/srv/baseline", "layout", "flat", "mode", "going-forward"))
                .put("/api/v1/export").then().statusCode(200).extract().asString());
        assertEquals("flat", relaid.get("layout").asText());
        assertEquals(first, Instant.parse(relaid.get("baseline").asText()), "the same folder keeps its baseline");
        Instant moved = Instant.parse(read(asService().contentType(ContentType.JSON)
                .body(Map.of("path", "/srv/baseline-2", "layout", "flat", "mode", "going-forward"))
                .put("/api/v1/export").then().statusCode(200).extract().asString()).get("baseline").asText());
        assertTrue(moved.isAfter(Instant.now().minusSeconds(600)), "another folder starts from now: " + moved);
    }

    /** A body of unknown fields (a typo, an older admin page) changes nothing and says which fields. */
    @Test
    void unknownFieldsAreRefusedByNameAndTheSettingsStay() {
        asService().contentType(ContentType.JSON)
                .body(Map.of("path", "/srv/export", "layout", "flat", "mode", "full", "sourceId", TARGET))
                .put("/api/v1/export").then().statusCode(200);
        asService().contentType(ContentType.JSON).body("{\"folder\": \"/srv/elsewhere\", \"style\": \"flat\"}")
                .put("/api/v1/export").then().statusCode(400)
                .body("error", containsString("\"folder\"")).body("error", containsString("\"style\""));
        asService().contentType(ContentType.JSON).body("{\"path\": \"/srv/other\", \"layuot\": \"date\"}")
                .put("/api/v1/export").then().statusCode(400).body("error", containsString("\"layuot\""));
        JsonNode kept = read(given().get("/api/v1/export").then().statusCode(200).extract().asString());
        assertEquals("/srv/export", kept.get("path").asText());
        assertEquals("flat", kept.get("layout").asText());
        assertEquals("full", kept.get("mode").asText());
        assertEquals(TARGET, kept.get("sourceId").asText());
    }

    /** Ingest avoided a clash with a file already there ({@code -1}); the ledger records where the file is. */
    @Test
    void theExportRecordKeepsThePathIngestReallyWrote() throws SQLException {
        String sha = newSha256();
        String name = "IMG_" + sha.substring(0, 6) + ".JPG";
        send(arrived("upload:api", name, sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        processed(photoId, 800, 600, Instant.parse("2023-03-04T10:00:00Z"), randomPhash());
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(photoId).get("status").asText()));
        asService().contentType(ContentType.JSON)
                .body(Map.of("path", "/srv/export", "layout", "date", "mode", "full", "sourceId", TARGET))
                .put("/api/v1/export").then().statusCode(200);
        JsonNode run = plan("/api/v1/export/run", 202);
        UUID runId = UUID.fromString(run.get("runId").asText());
        ConsumerRecord<String, String> request = awaitRecords(Topics.EXPORT_REQUESTS, 1,
                r -> r.value().contains(runId.toString()) && r.value().contains(photoId.toString())).get(0);
        String asked = read(request.value()).get("relativePath").asText();
        assertEquals("2023/03/" + name, asked);
        assertEquals(asked, exportItemPath(photoId), "recorded when requested");

        String written = "2023/03/IMG_" + sha.substring(0, 6) + "-1.JPG";
        send((FileEvent) new FileExported(UUID.randomUUID(), Instant.now(), TARGET, written, runId, photoId, sha, true, null));
        await().atMost(Pipeline.TIMEOUT).until(() -> photoById(photoId).get("origins").size() == 2);
        assertEquals(written, exportItemPath(photoId));
    }

    /**
     * An operator hides a photo while ingest's report of its export is recorded (the hide's transaction holds
     * the row across it, committing once the export's handling waits on it, or once it is done). The new
     * place must not publish the photo over the hide: the export decides on the photo as the hide left it.
     */
    @Test
    void anOperatorsHideCommittingWhileAnExportIsRecordedIsNotPublishedOver() throws Exception {
        String sha = newSha256();
        send(arrived("upload:api", "IMG_" + sha.substring(0, 6) + ".JPG", sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        processed(photoId, 800, 600, Instant.parse("2023-03-04T10:00:00Z"), randomPhash());
        awaitRecords(Topics.CATALOG, 1, Pipeline.keyed(photoId));
        Db db = new Db(dataSource);
        try (Connection operator = db.leftOpen("UPDATE photo SET hidden = true WHERE id = ?", photoId)) {
            send((FileEvent) new FileExported(UUID.randomUUID(), Instant.now(), TARGET, "2023/03/exported-" + sha.substring(0, 6)
                    + ".JPG", null, photoId, sha, true, null));
            await().atMost(Pipeline.TIMEOUT).until(() -> db.waitingFor(operator) > 0 || photoById(photoId).get("origins").size() == 2);
            operator.commit();
        }
        await().atMost(Pipeline.TIMEOUT).until(() -> photoById(photoId).get("origins").size() == 2);
        // The photo's one record is its first publish: the export's would be a second, of a hidden photo.
        Pipeline.assertStays(Topics.CATALOG, Pipeline.keyed(photoId), 1, java.time.Duration.ofSeconds(3));
    }

    /**
     * A shot that arrived twice (a JPEG, then its better HEIC) is one photo rendered from the HEIC:
     * the export writes that original, under its own name, and the folder's scan finds a known place.
     */
    @Test
    void aPhotoIsExportedFromTheOriginalItIsShownFrom() {
        long hash = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse("2018-02-01T00:00:00Z")
                .plusSeconds(java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000));
        String jpeg = newSha256();
        String heic = newSha256();
        UUID photoId = Pipeline.arrivedAndProcessed("upload:api", "IMG_" + jpeg.substring(0, 6) + ".JPG", jpeg,
                3024, 4032, shot, hash);
        String heicName = "IMG_" + heic.substring(0, 6) + ".HEIC";
        UUID twinId = Pipeline.arrivedAndProcessed("folder:icloudpd", "2018/" + heicName, heic, 4032, 5376,
                shot.plusSeconds(1), hash ^ 0x8001L);
        await().atMost(Pipeline.TIMEOUT).until(() -> Pipeline.photo(heic).get("photoId").asText().equals(photoId.toString()));
        processed(photoId, 4032, 5376, shot, String.format("%016x", hash)); // rendered again, from the HEIC
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(photoId).get("status").asText()));

        String target = "folder:exp-" + jpeg.substring(0, 6);
        asService().contentType(ContentType.JSON)
                .body(Map.of("path", "/srv/export-" + jpeg.substring(0, 6), "layout", "flat", "mode", "full", "sourceId", target))
                .put("/api/v1/export").then().statusCode(200);
        UUID runId = UUID.fromString(plan("/api/v1/export/run", 202).get("runId").asText());
        JsonNode request = read(awaitRecords(Topics.EXPORT_REQUESTS, 1,
                r -> r.value().contains(runId.toString()) && r.value().contains(photoId.toString())).get(0).value());
        assertEquals(heic, request.get("sha256").asText(), "the better original, the one on the frames");
        assertEquals("originals/" + heic.substring(0, 2) + "/" + heic, request.get("originalKey").asText());
        assertEquals(heicName, request.get("relativePath").asText(), "the name goes with the bytes");

        send((FileEvent) new FileExported(UUID.randomUUID(), Instant.now(), target, heicName, runId, photoId, heic, true, null));
        await().atMost(Pipeline.TIMEOUT).until(() -> Pipeline.photo(heic).get("origins").toString().contains(target));
        // published again with the folder's source: a frame filtering by it shows the copy, as it does a hand-made one
        awaitRecords(Topics.CATALOG, 1, r -> r.key().equals(photoId.toString()) && r.value() != null
                && read(r.value()).get("sourceIds").toString().contains("\"" + target + "\""));
        long duplicates = Pipeline.stats().get("duplicates").asLong();
        Pipeline.awaitConsumed(send(arrived(target, heicName, heic)));
        assertEquals(duplicates, Pipeline.stats().get("duplicates").asLong(), "the exported file is a known place");
        JsonNode folder = Pipeline.stats().get("sources").get(target);
        assertEquals(1, folder.path("exported").asLong(), folder.toString());
        assertEquals(0, folder.path("duplicate").asLong(), "seen again, not a file replaced by a duplicate: " + folder);
        JsonNode group = Pipeline.photo(heic);
        assertEquals(twinId.toString(), group.get("twins").get(0).get("twinId").asText());
        JsonNode exported = null;
        for (JsonNode origin : group.get("origins")) {
            if (origin.get("sourceId").asText().equals(target)) {
                assertEquals(null, exported, "one place in the folder: " + group.get("origins"));
                exported = origin;
            }
        }
        assertEquals(heic, exported.get("sha256").asText(), "the place holds the HEIC's bytes");
        assertEquals("READY", photoById(photoId).get("status").asText());
    }

    /** A photo ingest could not write: the export's summary says why, not only how many. */
    @Test
    void theSummaryGivesTheReasonsPhotosWereNotWritten() {
        String sha = newSha256();
        send(arrived("upload:api", "IMG_" + sha.substring(0, 6) + ".JPG", sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        processed(photoId, 800, 600, Instant.parse("2023-05-06T10:00:00Z"), randomPhash());
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(photoId).get("status").asText()));
        String folder = "/srv/export-" + sha.substring(0, 8);
        asService().contentType(ContentType.JSON).body(Map.of("path", folder, "layout", "date", "mode", "full"))
                .put("/api/v1/export").then().statusCode(200);
        UUID runId = UUID.fromString(plan("/api/v1/export/run", 202).get("runId").asText());
        awaitRecords(Topics.EXPORT_REQUESTS, 1, r -> r.value().contains(runId.toString()) && r.value().contains(photoId.toString()));

        String reason = "ingest may not write into the export folder " + folder + ": permission denied";
        send((FileEvent) new FileExported(UUID.randomUUID(), Instant.now(), "export", "-", runId, photoId, sha, false, reason));
        JsonNode last = await().atMost(Pipeline.TIMEOUT).until(() -> read(asService().get("/api/v1/export").then()
                .statusCode(200).extract().asString()).get("lastRun"), r -> r.get("failed").asInt() >= 1);
        assertEquals(runId.toString(), last.get("id").asText());
        assertTrue(last.get("failures").toString().contains("{\"reason\":\"" + reason + "\",\"photos\":1}"), last.toString());
    }

    private String exportItemPath(UUID photoId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT relative_path FROM export_item WHERE photo_id = ?")) {
            s.setObject(1, photoId);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "no export_item for " + photoId);
                return rs.getString(1);
            }
        }
    }

    private static JsonNode plan(String route, int status) {
        return read(asService().post(route).then().statusCode(status).extract().asString());
    }
}
