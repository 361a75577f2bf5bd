package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileMoved;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.FileSkipped;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.Rendition;
import io.imgboard.events.RemovalPolicy;
import io.imgboard.events.Topics;
import io.imgboard.infra.LocalInfra;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.asService;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.awaitRecords;
import static io.imgboard.ledger.Pipeline.keyed;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photoById;
import static io.imgboard.ledger.Pipeline.processed;
import static io.imgboard.ledger.Pipeline.randomPhash;
import static io.imgboard.ledger.Pipeline.read;
import static io.imgboard.ledger.Pipeline.recordsNow;
import static io.imgboard.ledger.Pipeline.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract's new events and routes, and a photo's life: published, retired, hidden, deleted. */
@QuarkusTest
class LifecycleTest {
    @jakarta.inject.Inject
    javax.sql.DataSource database;


    @Test
    void writesNeedTheServiceTokenAndReadsDoNot() {
        UUID id = UUID.randomUUID();
        given().post("/api/v1/photos/{id}/hide", id)
                .then().statusCode(401).contentType(ContentType.JSON).body("status", equalTo(401))
                .body("error", containsString("IMGBOARD_SERVICE_TOKEN"));
        given().header("Authorization", "Bearer wrong-token-0123456789").post("/api/v1/photos/{id}/hide", id)
                .then().statusCode(401).body("error", containsString("not valid"));
        given().delete("/api/v1/photos/{id}", id).then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("scope", "all")).post("/api/v1/jobs/reprocess")
                .then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("renditions", List.of())).put("/api/v1/renditions")
                .then().statusCode(401);
        asService().post("/api/v1/photos/{id}/hide", id).then().statusCode(404);
        // however the path is spelt: the router forgives what a prefix check would not
        for (String path : List.of("//api/v1/photos/" + id + "/hide", "/api;x/v1/photos/" + id + "/hide",
                "/./api/v1/photos/" + id + "/hide", "/%61pi/v1/photos/" + id + "/hide",
                "/api/v1/photos/known/../" + id + "/hide", "/api/v1/photos/known;x/../" + id + "/hide")) {
            given().urlEncodingEnabled(false).post(path).then().statusCode(401);
        }
        // reads stay open, and so does the pre-check (a query sent as POST for its 1,000 checksums)
        given().get("/api/v1/stats").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("sha256", List.of(newSha256()))).post("/api/v1/photos/known")
                .then().statusCode(200);
    }

    @Test
    void knownAnswersExactContentOnlyAndRefusesBadInput() {
        String sha = newSha256();
        send(arrived("upload:phone-anna", "known-" + sha.substring(0, 6) + ".jpg", sha));
        awaitPhoto(sha);
        String unknown = newSha256();
        asService().contentType(ContentType.JSON).body(Map.of("sha256", List.of(unknown, sha.toUpperCase())))
                .post("/api/v1/photos/known")
                .then().statusCode(200).body("known", equalTo(List.of(sha.toUpperCase())));
        asService().contentType(ContentType.JSON).body(Map.of("sha256", List.of("nope")))
                .post("/api/v1/photos/known").then().statusCode(400).body("error", containsString("not a sha256"));
        List<String> tooMany = java.util.stream.Stream.generate(Pipeline::newSha256).limit(1001).toList();
        asService().contentType(ContentType.JSON).body(Map.of("sha256", tooMany))
                .post("/api/v1/photos/known").then().statusCode(400).body("error", containsString("1000"));
    }

    @Test
    void aPublishedPhotoCarriesItsNameArrivalSourcesAndDevices() {
        String sha = newSha256();
        String name = "IMG_" + sha.substring(0, 6) + ".JPG";
        send(new FileArrived(UUID.randomUUID(), Instant.now(), "dav:alice-iphone", "Camera/" + name, name, 10, sha,
                "image/jpeg", "originals/" + sha.substring(0, 2) + "/" + sha, null, "alice-iphone", RemovalPolicy.RETIRE));
        send(arrived("folder:nas", "2026/renamed-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        await().atMost(Pipeline.TIMEOUT).until(() -> photoById(id).get("origins").size() == 2);
        processed(id, 4000, 3000, null, randomPhash());

        JsonNode published = read(awaitRecords(Topics.CATALOG, 1, keyed(id)).get(0).value());
        assertEquals(name, published.get("name").asText(), "the name as first seen");
        assertEquals(List.of("dav:alice-iphone", "folder:nas"), strings(published.get("sourceIds")));
        assertEquals(List.of("alice-iphone"), strings(published.get("deviceIds")));
        assertEquals(photoById(id).get("createdAt").asText(), published.get("arrivedAt").asText());
        JsonNode photo = photoById(id);
        assertEquals("alice-iphone", photo.get("origins").get(0).get("deviceId").asText());
        assertEquals(id.toString(), photo.get("id").asText());
    }

    @Test
    void theLastOriginRemovedRetiresThePhotoWithATombstoneAndAMoveIsNotARemoval() {
        String sha = newSha256();
        FileArrived first = arrived("folder:nas", "inbox/a-" + sha.substring(0, 6) + ".jpg", sha);
        send(first);
        send(arrived("upload:api", "copy-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        processed(id, 800, 600, null, randomPhash());
        awaitRecords(Topics.CATALOG, 1, keyed(id));

        // archived after import: the origin moves, nothing leaves the frames
        String archived = "archive/a-" + sha.substring(0, 6) + ".jpg";
        send((FileEvent) new FileMoved(UUID.randomUUID(), Instant.now(), "folder:nas", first.path(), archived));
        await().atMost(Pipeline.TIMEOUT).until(() -> origins(id).contains("folder:nas:" + archived));
        // the upload's policy is KEEP: that removal alone changes nothing either
        send(new FileRemoved(UUID.randomUUID(), Instant.now(), "upload:api", "copy-" + sha.substring(0, 6) + ".jpg",
                RemovalPolicy.KEEP));
        await().atMost(Pipeline.TIMEOUT).until(() -> origins(id).size() == 1);
        assertEquals("READY", photoById(id).get("state").asText());
        assertTrue(Pipeline.recordsNow(Topics.CATALOG, keyed(id)).stream().allMatch(r -> r.value() != null));

        send(Pipeline.removed("folder:nas", archived));
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(id).get("state").asText()));
        List<ConsumerRecord<String, String>> catalog = awaitRecords(Topics.CATALOG, 2, keyed(id));
        assertNull(catalog.get(catalog.size() - 1).value(), "the last catalog record is a tombstone");
        assertTrue(Pipeline.stats().get("sources").get("folder:nas").get("retired").asLong() >= 1);
        assertTrue(Pipeline.stats().get("retired").asLong() >= 1);
        asService().contentType(ContentType.JSON).body(Map.of("sha256", List.of(sha))).post("/api/v1/photos/known")
                .then().statusCode(200).body("known", equalTo(List.of()));

        // the same content arriving again brings it back
        send(arrived("folder:nas", "back-" + sha.substring(0, 6) + ".jpg", sha));
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(id).get("state").asText()));
        List<ConsumerRecord<String, String>> after = awaitRecords(Topics.CATALOG, 3, keyed(id));
        assertTrue(after.get(after.size() - 1).value() != null, "published again");
    }

    @Test
    void hideAndUnhideTakeThePhotoOffAndBackOntoTheFrames() {
        String sha = newSha256();
        send(arrived("folder:nas", "hide-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        processed(id, 800, 600, null, randomPhash());
        awaitRecords(Topics.CATALOG, 1, keyed(id));

        asService().post("/api/v1/photos/{id}/hide", id).then().statusCode(200).body("hidden", equalTo(true));
        List<ConsumerRecord<String, String>> hidden = awaitRecords(Topics.CATALOG, 2, keyed(id));
        assertNull(hidden.get(1).value());
        assertEquals("HIDDEN", photoById(id).get("state").asText());
        asService().post("/api/v1/photos/{id}/unhide", id).then().statusCode(200);
        List<ConsumerRecord<String, String>> shown = awaitRecords(Topics.CATALOG, 3, keyed(id));
        assertEquals(id.toString(), read(shown.get(2).value()).get("photoId").asText());
        asService().post("/api/v1/photos/{id}/hide", UUID.randomUUID()).then().statusCode(404);
        asService().post("/api/v1/photos/{id}/hide", "not-an-id").then().statusCode(400);
    }

    /**
     * A delete takes the renditions and the stored originals, unless a WebDAV client may still read its file
     * back from them: an upload's origin (the phone's file is on the phone) and a folder's (the file is on the
     * NAS) stay to recognise the bytes, but nobody reads the stored copy back.
     */
    @Test
    void deleteRemovesRenditionsAndTheOriginalUnlessAWebDavClientReadsItBack() throws Exception {
        MinioClient s3 = s3();
        String kept = newSha256();
        String gone = newSha256();
        String uploaded = newSha256();
        String inFolder = newSha256();
        send(arrived("dav:anna", "del-" + kept.substring(0, 6) + ".jpg", kept));
        FileArrived goneArrival = arrived("folder:nas", "del-" + gone.substring(0, 6) + ".jpg", gone);
        send(goneArrival);
        send(arrived("upload:api", "del-" + uploaded.substring(0, 6) + ".jpg", uploaded));
        send(arrived("folder:nas", "del-" + inFolder.substring(0, 6) + ".jpg", inFolder));
        UUID keptId = UUID.fromString(awaitPhoto(kept).get("photoId").asText());
        UUID goneId = UUID.fromString(awaitPhoto(gone).get("photoId").asText());
        UUID uploadedId = UUID.fromString(awaitPhoto(uploaded).get("photoId").asText());
        UUID inFolderId = UUID.fromString(awaitPhoto(inFolder).get("photoId").asText());
        for (String sha : List.of(kept, gone, uploaded, inFolder)) {
            put(s3, LocalInfra.ORIGINALS_BUCKET, "originals/" + sha.substring(0, 2) + "/" + sha);
        }
        List<UUID> all = List.of(keptId, goneId, uploadedId, inFolderId);
        for (UUID id : all) {
            put(s3, LocalInfra.RENDITIONS_BUCKET, "renditions/" + id + "/display.webp");
            processed(id, 800, 600, null, randomPhash());
            awaitRecords(Topics.CATALOG, 1, keyed(id));
        }
        // the second photo's only origin is forgotten (policy KEEP): nothing refers to its original any more
        send(new FileRemoved(UUID.randomUUID(), Instant.now(), "folder:nas", goneArrival.path(), RemovalPolicy.KEEP));
        await().atMost(Pipeline.TIMEOUT).until(() -> photoById(goneId).get("origins").isEmpty());

        asService().delete("/api/v1/photos/{id}", keptId).then().statusCode(200).body("deleted", equalTo(true));
        for (UUID id : List.of(goneId, uploadedId, inFolderId)) {
            asService().delete("/api/v1/photos/{id}", id).then().statusCode(200);
        }

        await().atMost(Pipeline.TIMEOUT).until(() -> all.stream().noneMatch(id ->
                exists(s3, LocalInfra.RENDITIONS_BUCKET, "renditions/" + id + "/display.webp"))
                && List.of(gone, uploaded, inFolder).stream().noneMatch(sha ->
                exists(s3, LocalInfra.ORIGINALS_BUCKET, "originals/" + sha.substring(0, 2) + "/" + sha)));
        assertTrue(exists(s3, LocalInfra.ORIGINALS_BUCKET, "originals/" + kept.substring(0, 2) + "/" + kept),
                "an original a WebDAV client may read back is kept");
        assertEquals("DELETED", photoById(uploadedId).get("state").asText());
        assertEquals(1, photoById(uploadedId).get("origins").size(), "the upload's origin stays: the bytes are known");
        assertEquals("DELETED", photoById(keptId).get("state").asText());
        List<ConsumerRecord<String, String>> catalog = awaitRecords(Topics.CATALOG, 2, keyed(keptId));
        assertNull(catalog.get(catalog.size() - 1).value());
        // a deleted photo cannot be shown again, nor hidden: the operator is told, not answered "done"
        asService().post("/api/v1/photos/{id}/unhide", keptId).then().statusCode(409)
                .body("error", org.hamcrest.Matchers.containsString("is deleted"));
        asService().post("/api/v1/photos/{id}/hide", keptId).then().statusCode(409);
        assertFalse(photoById(keptId).get("hidden").asBoolean());
    }

    /**
     * A deleted photo whose original was kept for a WebDAV client's file: once the client deletes that file,
     * nobody reads the bytes back and they go. A new twin of a deleted photo (the same shot saved again) stays
     * off the frames with it, and its bytes go too.
     */
    @Test
    void aDeletedPhotosOriginalsGoOnceNoWebDavFileIsLeftAndATwinJoiningItsToo() throws Exception {
        MinioClient s3 = s3();
        String sha = newSha256();
        String original = "originals/" + sha.substring(0, 2) + "/" + sha;
        String path = "kept-" + sha.substring(0, 6) + ".jpg";
        long hash = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse("2017-05-01T00:00:00Z")
                .plusSeconds(java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000));
        UUID id = Pipeline.arrivedAndProcessed("dav:anna", path, sha, 3024, 4032, shot, hash);
        awaitRecords(Topics.CATALOG, 1, keyed(id));
        put(s3, LocalInfra.ORIGINALS_BUCKET, original);
        asService().delete("/api/v1/photos/{id}", id).then().statusCode(200);

        // the same shot saved again elsewhere: a twin of the deleted photo, never shown, its bytes not kept
        String again = newSha256();
        String againKey = "originals/" + again.substring(0, 2) + "/" + again;
        put(s3, LocalInfra.ORIGINALS_BUCKET, againKey);
        send(arrived("upload:api", "again-" + again.substring(0, 6) + ".jpg", again));
        UUID twin = UUID.fromString(awaitPhoto(again).get("photoId").asText());
        processed(twin, 3024, 4032, shot, String.format("%016x", hash ^ 1L));
        await().atMost(Pipeline.TIMEOUT).until(() -> Pipeline.photo(again).get("photoId").asText().equals(id.toString()));
        assertEquals("DELETED", photoById(id).get("state").asText());
        Pipeline.assertStays(Topics.CATALOG, keyed(twin), 0, java.time.Duration.ofSeconds(1));
        // the WebDAV file still holds the bytes of both: kept while it is there
        assertTrue(exists(s3, LocalInfra.ORIGINALS_BUCKET, original), "a WebDAV client may read its file back");
        assertTrue(exists(s3, LocalInfra.ORIGINALS_BUCKET, againKey), "its twin's bytes are kept with the photo's");

        send(new FileRemoved(UUID.randomUUID(), Instant.now(), "dav:anna", path, RemovalPolicy.RETIRE));
        await().atMost(Pipeline.TIMEOUT).until(() -> !exists(s3, LocalInfra.ORIGINALS_BUCKET, original)
                && !exists(s3, LocalInfra.ORIGINALS_BUCKET, againKey));
        assertEquals("DELETED", photoById(id).get("state").asText());

        // an uploaded photo deleted (its bytes gone at once): a twin joining it later has its own bytes deleted too
        String uploaded = newSha256();
        Instant otherShot = shot.plusSeconds(86_400);
        UUID uploadedId = Pipeline.arrivedAndProcessed("upload:api", "up-" + uploaded.substring(0, 6) + ".jpg", uploaded,
                3024, 4032, otherShot, ~hash);
        awaitRecords(Topics.CATALOG, 1, keyed(uploadedId));
        asService().delete("/api/v1/photos/{id}", uploadedId).then().statusCode(200);
        String late = newSha256();
        String lateKey = "originals/" + late.substring(0, 2) + "/" + late;
        put(s3, LocalInfra.ORIGINALS_BUCKET, lateKey);
        send(arrived("upload:api", "late-" + late.substring(0, 6) + ".jpg", late));
        UUID lateId = UUID.fromString(awaitPhoto(late).get("photoId").asText());
        processed(lateId, 3024, 4032, otherShot, String.format("%016x", ~hash ^ 2L));
        await().atMost(Pipeline.TIMEOUT).until(() -> Pipeline.photo(late).get("photoId").asText().equals(uploadedId.toString()));
        await().atMost(Pipeline.TIMEOUT).until(() -> !exists(s3, LocalInfra.ORIGINALS_BUCKET, lateKey));
    }

    /**
     * A photo deleted while it is being made: its renditions are stored after the delete let the photo's
     * (none yet) go, and the result that names them is ignored. They are deleted all the same, early
     * result and complete one alike, or they would stay in the bucket for good.
     */
    @Test
    void renditionsStoredAfterThePhotoWasDeletedAreDeletedToo() throws Exception {
        MinioClient s3 = s3();
        String sha = newSha256();
        send(arrived("upload:api", "mid-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        UUID request = Pipeline.latestRequestId(id);
        asService().delete("/api/v1/photos/{id}", id).then().statusCode(200);

        String display = "renditions/" + id + "/display.webp";
        String uhd = "renditions/" + id + "/uhd.webp";
        put(s3, LocalInfra.RENDITIONS_BUCKET, display);
        Pipeline.awaitConsumed(send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), id, request,
                List.of(new Rendition("display", display, 800, 600, 4000)), 800, 600, "jpeg", null, randomPhash(),
                null, List.of("uhd"))));
        put(s3, LocalInfra.RENDITIONS_BUCKET, uhd);
        send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), id, request,
                List.of(new Rendition("uhd", uhd, 1600, 1200, 9000)), 800, 600, "jpeg", null, randomPhash(), null));

        await().atMost(Pipeline.TIMEOUT).until(() -> !exists(s3, LocalInfra.RENDITIONS_BUCKET, display)
                && !exists(s3, LocalInfra.RENDITIONS_BUCKET, uhd));
        assertEquals("DELETED", photoById(id).get("state").asText());
        assertTrue(recordsNow(Topics.CATALOG, keyed(id)).stream().allMatch(r -> r.value() == null),
                "a deleted photo is never published");
    }

    /**
     * A photo deleted in the admin stays deleted whatever arrives, so its content is known: a phone's
     * sync app that asks before sending stops sending it at every sync. By sha256 it answers DELETED
     * (ingest's upload answer says so).
     */
    @Test
    void aDeletedPhotosContentIsKnownSoPhonesStopSendingIt() throws Exception {
        MinioClient s3 = s3();
        String sha = newSha256();
        String original = "originals/" + sha.substring(0, 2) + "/" + sha;
        String name = "p3-" + sha.substring(0, 6) + ".jpg";
        UUID id = Pipeline.arrivedAndProcessed("upload:phone-anna", name, sha, 800, 600, null,
                java.util.concurrent.ThreadLocalRandom.current().nextLong());
        awaitRecords(Topics.CATALOG, 1, keyed(id));
        put(s3, LocalInfra.ORIGINALS_BUCKET, original);
        asService().delete("/api/v1/photos/{id}", id).then().statusCode(200);

        asService().contentType(ContentType.JSON).body(Map.of("sha256", List.of(sha))).post("/api/v1/photos/known")
                .then().statusCode(200).body("known", equalTo(List.of(sha)));
        given().get("/api/v1/photos/by-sha256/{sha}", sha).then().statusCode(200)
                .body("photoId", equalTo(id.toString())).body("state", equalTo("DELETED"))
                .body("deletedAt", org.hamcrest.Matchers.notNullValue());
        // sent again all the same: still deleted, and the bytes ingest stored again before it knew are deleted
        // too (nothing reads them back, and no later delete would take them)
        await().atMost(Pipeline.TIMEOUT).until(() -> !exists(s3, LocalInfra.ORIGINALS_BUCKET, original));
        put(s3, LocalInfra.ORIGINALS_BUCKET, original);
        Pipeline.awaitConsumed(send(arrived("upload:phone-anna", name, sha)));
        assertEquals("DELETED", photoById(id).get("state").asText());
        await().atMost(Pipeline.TIMEOUT).until(() -> !exists(s3, LocalInfra.ORIGINALS_BUCKET, original));
    }

    @Test
    void skippedFilesAreCountedPerSourceAndReason() {
        String source = "folder:skip-" + UUID.randomUUID().toString().substring(0, 8);
        send((FileEvent) new FileSkipped(UUID.randomUUID(), Instant.now(), source, "IMG_1.MOV", "IMG_1.MOV", 10,
                "live-photo video"));
        send((FileEvent) new FileSkipped(UUID.randomUUID(), Instant.now(), source, "IMG_1.AAE", "IMG_1.AAE", 1, "sidecar"));
        send((FileEvent) new FileSkipped(UUID.randomUUID(), Instant.now(), source, "IMG_2.MOV", "IMG_2.MOV", 10,
                "live-photo video"));
        await().atMost(Pipeline.TIMEOUT).until(() -> Pipeline.stats().path("sources").path(source).path("discovered").asLong() == 3);
        JsonNode mine = Pipeline.stats().get("sources").get(source);
        assertEquals(2, mine.get("skipped").get("live-photo video").asLong());
        assertEquals(1, mine.get("skipped").get("sidecar").asLong());
        assertEquals(0, mine.get("new").asLong());
        assertFalse(Pipeline.stats().get("stages").get("skipped").isEmpty());
        // each file with its reason, for the ops page
        JsonNode skipped = read(asService().get("/api/v1/skipped?limit=200").then().statusCode(200).extract().asString());
        assertTrue(skipped.get("total").asLong() >= 3, skipped.toString());
        List<String> listed = new java.util.ArrayList<>();
        skipped.get("files").forEach(f -> {
            if (f.get("sourceId").asText().equals(source)) {
                listed.add(f.get("name").asText() + " " + f.get("reason").asText() + " " + f.get("size").asLong());
            }
        });
        assertEquals(List.of("IMG_1.AAE sidecar 1", "IMG_1.MOV live-photo video 10", "IMG_2.MOV live-photo video 10"),
                listed.stream().sorted().toList());
    }

    /**
     * A text file written over a photo (by WebDAV or in a source folder): ingest announces the skip, then the
     * photo's removal at that path. The photo leaves; the file that is there now stays listed until it goes too.
     */
    @Test
    void aPhotoReplacedByAFileThatIsNotOneLeavesAndTheFileStaysListed() {
        String source = "folder:over-" + UUID.randomUUID().toString().substring(0, 8);
        String sha = newSha256();
        UUID id = Pipeline.arrivedAndProcessed(source, "IMG_9.JPG", sha, 800, 600, null,
                java.util.concurrent.ThreadLocalRandom.current().nextLong());
        awaitRecords(Topics.CATALOG, 1, keyed(id));
        send((FileEvent) new FileSkipped(UUID.randomUUID(), Instant.now(), source, "IMG_9.JPG", "IMG_9.JPG", 12,
                "not an image"));
        send(new FileRemoved(UUID.randomUUID(), Instant.now(), source, "IMG_9.JPG", RemovalPolicy.RETIRE));
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(id).get("state").asText()));
        assertEquals(List.of("IMG_9.JPG not an image"), skippedOf(source));
        // the text file deleted in its turn
        Pipeline.awaitConsumed(send(new FileRemoved(UUID.randomUUID(), Instant.now(), source, "IMG_9.JPG", RemovalPolicy.RETIRE)));
        assertEquals(List.of(), skippedOf(source));
    }

    /**
     * An operator's delete and the same bytes arriving at once: the arrival waits for the delete and sees
     * it, instead of reading the photo as shown and publishing it again after the delete committed (the
     * photo came back on the frames, seen in a loaded run of AdminSectionsIT). The delete is held open here
     * by a transaction of the test's own on the real database.
     */
    @Test
    void bytesArrivingWhileTheirPhotoIsBeingDeletedDoNotPutItBackOnTheFrames() throws Exception {
        String sha = newSha256();
        UUID id = Pipeline.arrivedAndProcessed("upload:api", "race-" + sha.substring(0, 8) + ".jpg", sha, 800, 600, null,
                java.util.concurrent.ThreadLocalRandom.current().nextLong());
        awaitRecords(Topics.CATALOG, 1, keyed(id));
        org.apache.kafka.clients.producer.RecordMetadata sent;
        Db db = new Db(database);
        try (java.sql.Connection deleting = db.leftOpen("UPDATE photo SET deleted_at = now(), updated_at = now() WHERE id = ?", id)) {
            sent = send(arrived("upload:phone-anna", "again-" + sha.substring(0, 8) + ".jpg", sha));
            // The arrival waits for the delete's row lock (or, were it not waiting, has published the photo again).
            await().atMost(Pipeline.TIMEOUT).until(() -> db.waitingFor(deleting) > 0 || recordsNow(Topics.CATALOG, keyed(id)).size() > 1);
            deleting.commit();
        }
        Pipeline.awaitConsumed(sent);
        // Whatever the arrival published reaches the topic through the outbox within a second or two.
        await().during(java.time.Duration.ofSeconds(2)).atMost(java.time.Duration.ofSeconds(5))
                .until(() -> recordsNow(Topics.CATALOG, keyed(id)).size() == 1);
    }

    /**
     * A photo's last file is removed while an operator's delete of the photo commits: the removal waits for
     * the photo's row and finds it deleted, so it does not retire it as well (a deleted photo counted
     * retired at its source, and a second "gone" sent to the frames). The delete is held open by a
     * transaction of the test's own on the real database.
     */
    @Test
    void theLastFileRemovedWhileItsPhotoIsBeingDeletedLeavesItDeletedNotRetired() throws Exception {
        String sha = newSha256();
        String path = "gone-" + sha.substring(0, 8) + ".jpg";
        UUID id = Pipeline.arrivedAndProcessed("folder:nas", path, sha, 800, 600, null,
                java.util.concurrent.ThreadLocalRandom.current().nextLong());
        awaitRecords(Topics.CATALOG, 1, keyed(id));
        Db db = new Db(database);
        org.apache.kafka.clients.producer.RecordMetadata sent;
        try (java.sql.Connection deleting = db.leftOpen("UPDATE photo SET deleted_at = now(), updated_at = now() WHERE id = ?", id)) {
            sent = send(Pipeline.removed("folder:nas", path));
            await().atMost(Pipeline.TIMEOUT).until(() -> db.waitingFor(deleting) > 0);
            deleting.commit();
        }
        Pipeline.awaitConsumed(sent);
        assertEquals(0, db.count("SELECT count(*) FROM origin WHERE photo_id = ?", id), "the removal was handled");
        Map<String, Object> row = db.rows("SELECT deleted_at, retired_at FROM photo WHERE id = ?", id).get(0);
        assertTrue(row.get("deleted_at") != null, "still deleted: " + row);
        assertNull(row.get("retired_at"), "retired over the operator's delete: " + row);
        // Its one catalog record is its publish (the delete here is the test's SQL, which publishes nothing).
        Pipeline.assertStays(Topics.CATALOG, keyed(id), 1, java.time.Duration.ofSeconds(3));
    }

    /**
     * Ingest keeps WebDAV names in NFC now; an origin recorded before under a decomposed name (macOS) is
     * brought to NFC by the migration, so the removal that names it in NFC finds it. Its statement is run
     * again here on such a row (it changes nothing else: only rows not in NFC).
     */
    @Test
    void aWebDavOriginRecordedDecomposedIsBroughtToNfcAndItsRemovalFindsIt() throws Exception {
        String sha = newSha256();
        String tag = sha.substring(0, 8);
        UUID id = Pipeline.arrivedAndProcessed("dav:anna-mac", "E\u0301te\u0301-" + tag + "/cafe\u0301.jpg", sha, 800, 600, null,
                java.util.concurrent.ThreadLocalRandom.current().nextLong());
        awaitRecords(Topics.CATALOG, 1, keyed(id));
        Db db = new Db(database);
        String migration = new String(getClass().getResourceAsStream("/db/migration/V12__dav_origins_nfc.sql").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        try (java.sql.Connection c = database.getConnection(); var statement = c.createStatement()) {
            statement.execute(migration);
        }
        String nfc = "\u00c9t\u00e9-" + tag + "/caf\u00e9.jpg";
        assertEquals(List.of(Map.of("path", nfc)), db.rows("SELECT path FROM origin WHERE photo_id = ?", id));
        send(Pipeline.removed("dav:anna-mac", nfc));
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(id).get("state").asText()));
    }

    /**
     * Ingest puts a path sent with the shared upload token under "upload/" now, so that it can no longer be
     * a device's. The migration moves the origins such uploads left before there (and only those: not a
     * device's, not a file's sent without a path), so the client's next bytes at its path replace the photo.
     * Its statement runs here on this test's source alone (the other tests' rows are not theirs to move).
     */
    @Test
    void anOriginASharedTokenUploadLeftMovesUnderUploadAndItsNextBytesReplaceIt() throws Exception {
        String tag = newSha256().substring(0, 8);
        String source = "upload:mig-" + tag;
        String shared = newSha256();
        UUID sharedPhoto = Pipeline.arrivedAndProcessed(source, "DCIM/IMG_1.JPG", shared, 800, 600, null,
                java.util.concurrent.ThreadLocalRandom.current().nextLong());
        String unnamed = newSha256();
        send(arrived(source, unnamed.substring(0, 12) + "/IMG_2.JPG", unnamed));
        String devices = newSha256();
        FileArrived fromDevice = arrived(source, "anna-phone/DCIM/IMG_3.JPG", devices);
        send(new FileArrived(fromDevice.eventId(), fromDevice.occurredAt(), source, fromDevice.path(), fromDevice.name(),
                fromDevice.size(), devices, fromDevice.contentType(), fromDevice.originalKey(), null, "anna-phone", null));
        UUID unnamedPhoto = UUID.fromString(awaitPhoto(unnamed).get("photoId").asText());
        UUID devicePhoto = UUID.fromString(awaitPhoto(devices).get("photoId").asText());

        String migration = new String(getClass().getResourceAsStream("/db/migration/V13__shared_upload_paths.sql").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        String onThisSource = migration.replace("LIKE 'upload:%'", "= '" + source + "'");
        assertNotEquals(migration, onThisSource);
        try (java.sql.Connection c = database.getConnection(); var statement = c.createStatement()) {
            statement.execute(onThisSource);
        }
        assertEquals(List.of(source + ":upload/DCIM/IMG_1.JPG"), origins(sharedPhoto));
        assertEquals(List.of(source + ":" + unnamed.substring(0, 12) + "/IMG_2.JPG"), origins(unnamedPhoto));
        assertEquals(List.of(source + ":anna-phone/DCIM/IMG_3.JPG"), origins(devicePhoto));

        // other content at the moved path: once it is made, the photo it replaced goes
        Pipeline.arrivedAndProcessed(source, "upload/DCIM/IMG_1.JPG", newSha256(), 800, 600, null,
                java.util.concurrent.ThreadLocalRandom.current().nextLong());
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(sharedPhoto).get("state").asText()));
    }

    private static List<String> skippedOf(String source) {
        JsonNode skipped = read(asService().get("/api/v1/skipped?limit=200").then().statusCode(200).extract().asString());
        List<String> listed = new java.util.ArrayList<>();
        skipped.get("files").forEach(f -> {
            if (f.get("sourceId").asText().equals(source)) {
                listed.add(f.get("name").asText() + " " + f.get("reason").asText());
            }
        });
        return listed;
    }

    private static List<String> origins(UUID id) {
        List<String> out = new java.util.ArrayList<>();
        photoById(id).get("origins").forEach(o -> out.add(o.get("sourceId").asText() + ":" + o.get("path").asText()));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static MinioClient s3() throws Exception {
        var config = ConfigProvider.getConfig();
        MinioClient client = MinioClient.builder()
                .endpoint(config.getValue("imgboard.s3.endpoint", String.class))
                .credentials(config.getValue("imgboard.s3.access-key", String.class),
                        config.getValue("imgboard.s3.secret-key", String.class))
                .region("us-east-1").build();
        for (String bucket : LocalInfra.BUCKETS) {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        }
        return client;
    }

    static void put(MinioClient s3, String bucket, String key) throws Exception {
        byte[] bytes = "not really an image".getBytes();
        s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }

    static boolean exists(MinioClient s3, String bucket, String key) {
        try {
            s3.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (io.minio.errors.ErrorResponseException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
