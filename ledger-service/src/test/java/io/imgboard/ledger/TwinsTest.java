package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.RemovalPolicy;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.service.ObjectDeletions;
import io.imgboard.ledger.service.ProcessingRequests;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.arrivedAndProcessed;
import static io.imgboard.ledger.Pipeline.asService;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.awaitRecords;
import static io.imgboard.ledger.Pipeline.keyed;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photo;
import static io.imgboard.ledger.Pipeline.photoById;
import static io.imgboard.ledger.Pipeline.processed;
import static io.imgboard.ledger.Pipeline.read;
import static io.imgboard.ledger.Pipeline.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JPEG and the HEIC of one shot are one photo; the better original is rendered; a wrong match splits. */
@QuarkusTest
class TwinsTest {
    @Inject
    javax.sql.DataSource dataSource;
    @Inject
    ObjectDeletions deletions;
    @Inject
    ProcessingRequests requests;
    @Inject
    PhotoRepository photos;
    @Inject
    io.imgboard.ledger.service.FileEvents fileEvents;

    @Test
    void theSameShotFromTwoPlacesIsOnePhotoRenderedFromTheBetterOriginal() {
        long twinsBefore = Pipeline.stats().get("stages").get("twin").asLong();
        long hash = ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse("2019-05-01T00:00:00Z").plusSeconds(ThreadLocalRandom.current().nextInt(100_000_000));
        String jpeg = newSha256();
        String heic = newSha256();
        UUID jpegId = arrivedAndProcessed("dav:alice-iphone", "IMG_" + jpeg.substring(0, 4) + ".JPG", jpeg,
                3024, 4032, shot, hash);
        awaitRecords(Topics.CATALOG, 1, keyed(jpegId));

        send(arrived("folder:icloudpd", "2019/05/IMG_" + heic.substring(0, 4) + ".HEIC", heic));
        UUID heicId = UUID.fromString(read(Pipeline.awaitRecords(Topics.PROCESS_REQUESTS, 1,
                r -> r.value().contains(heic)).get(0).value()).get("photoId").asText());
        // 2 bits apart, 1 s later, more pixels
        processed(heicId, 4032, 5376, shot.plusSeconds(1), String.format("%016x", hash ^ 0x8001L));

        await().atMost(Pipeline.TIMEOUT).until(() -> photo(heic).get("photoId").asText().equals(jpegId.toString()));
        JsonNode one = photo(jpeg);
        assertEquals(1, one.get("twins").size());
        assertEquals(heic, one.get("twins").get(0).get("sha256").asText());
        assertEquals(2, one.get("origins").size(), "the twin's place is an origin of the photo");
        Pipeline.assertStays(Topics.CATALOG, keyed(heicId), 0, java.time.Duration.ofSeconds(2));
        // the better original (the HEIC) is rendered under the same photo id
        JsonNode reprocess = read(awaitRecords(Topics.PROCESS_REQUESTS, 2, keyed(jpegId)).get(1).value());
        assertEquals("REPROCESS", reprocess.get("reason").asText());
        assertEquals(heic, reprocess.get("sha256").asText());
        assertTrue(one.get("twins").get(0).get("rendered").asBoolean());
        assertEquals(twinsBefore + 1, Pipeline.stats().get("stages").get("twin").asLong(), "counted as a twin");
        assertTrue(Pipeline.stats().get("sources").get("folder:icloudpd").get("twin").asLong() >= 1);

        // an operator says it is not the same shot
        asService().post("/api/v1/photos/{id}/twins/{twin}/split", jpegId, heicId).then().statusCode(200);
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(heic).get("photoId").asText().equals(heicId.toString()));
        assertEquals(0, photo(jpeg).get("twins").size());
        JsonNode back = read(awaitRecords(Topics.PROCESS_REQUESTS, 3, keyed(jpegId)).get(2).value());
        assertEquals(jpeg, back.get("sha256").asText(), "rendered from its own original again");
        processed(heicId, 4032, 5376, shot.plusSeconds(1), String.format("%016x", hash ^ 0x8001L));
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(heicId).get("status").asText()));
    }

    @Test
    void aTwinOfARetiredPhotoBringsItBackRatherThanShowingTheShotTwice() {
        long hash = ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse("2021-03-01T00:00:00Z").plusSeconds(ThreadLocalRandom.current().nextInt(100_000_000));
        String jpeg = newSha256();
        String heic = newSha256();
        String jpegPath = "IMG_" + jpeg.substring(0, 6) + ".JPG";
        UUID jpegId = arrivedAndProcessed("folder:nas", jpegPath, jpeg, 3024, 4032, shot, hash);
        awaitRecords(Topics.CATALOG, 1, keyed(jpegId));
        retire(jpegId, "folder:nas", jpegPath);

        // the HEIC of the same shot arrives elsewhere while the JPEG is retired
        send(arrived("folder:icloudpd", "2021/03/IMG_" + heic.substring(0, 6) + ".HEIC", heic));
        UUID heicId = UUID.fromString(read(Pipeline.awaitRecords(Topics.PROCESS_REQUESTS, 1,
                r -> r.value().contains(heic)).get(0).value()).get("photoId").asText());
        processed(heicId, 3024, 4032, shot.plusSeconds(1), String.format("%016x", hash ^ 0x11L));

        await().atMost(Pipeline.TIMEOUT).until(() -> photo(heic).get("photoId").asText().equals(jpegId.toString()));
        assertEquals("READY", photoById(jpegId).get("state").asText(), "the retired photo is back");
        List<ConsumerRecord<String, String>> catalog =
                awaitRecords(Topics.CATALOG, 3, keyed(jpegId));
        assertTrue(catalog.get(catalog.size() - 1).value() != null, "published again after its tombstone");
        Pipeline.assertStays(Topics.CATALOG, keyed(heicId), 0, java.time.Duration.ofSeconds(2));

        // the JPEG itself coming back later changes nothing: still one photo
        send(arrived("folder:nas", jpegPath, jpeg));
        await().atMost(Pipeline.TIMEOUT).until(() -> origins(jpeg) == 2);
        assertEquals(heicId.toString(), photo(jpeg).get("twins").get(0).get("twinId").asText());
    }

    /**
     * icloudpd rewrites a photo's EXIF in place: other bytes of the same shot at the same path. The photo
     * never leaves the frames (no tombstone, then an add as if new); a different picture written over the
     * file takes the old photo off once it is made.
     */
    @Test
    void aFileRewrittenInPlaceWithTheSameShotKeepsItsPhotoOnTheFrames() {
        Rewrite rw = shownThenRewritten("2022-07-01T00:00:00Z");
        assertEquals("READY", photoById(rw.id()).get("state").asText(), "shown while the new content is made");
        processed(rw.rewrittenId(), 3024, 4032, rw.shot(), String.format("%016x", rw.hash() ^ 0x4L));
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(rw.rewritten()).get("photoId").asText().equals(rw.id().toString()));
        assertEquals("READY", photoById(rw.id()).get("state").asText());
        assertTrue(Pipeline.recordsNow(Topics.CATALOG, keyed(rw.id())).stream().allMatch(r -> r.value() != null),
                "the photo never left the frames");

        String other = newSha256();
        send(arrived("folder:icloudpd", rw.path(), other));
        UUID otherId = requestedPhoto(other);
        assertEquals("READY", photoById(rw.id()).get("state").asText());
        processed(otherId, 3024, 4032, rw.shot().plusSeconds(50_000_000), String.format("%016x", ~rw.hash()));
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(rw.id()).get("state").asText()));
        assertEquals("READY", photoById(otherId).get("state").asText());
    }

    /**
     * The rewritten file is deleted before its content is made: when the content turns out to be the same
     * shot, no file of the photo is left, and it goes (the twin holds no place to keep it by).
     */
    @Test
    void aFileRewrittenThenDeletedBeforeItIsMadeTakesThePhotoOff() {
        Rewrite rw = shownThenRewritten("2023-02-01T00:00:00Z");
        send(Pipeline.removed("folder:icloudpd", rw.path()));
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(rw.rewrittenId()).get("state").asText()));
        assertEquals("READY", photoById(rw.id()).get("state").asText(), "still waiting for the content");
        processed(rw.rewrittenId(), 3024, 4032, rw.shot(), String.format("%016x", rw.hash() ^ 0x2L));
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(rw.id()).get("state").asText()));
    }

    /** A shot shown from a file at {@code path}, then other bytes written over that file, not yet made. */
    private record Rewrite(long hash, Instant shot, String path, UUID id, String rewritten, UUID rewrittenId) {
    }

    private static Rewrite shownThenRewritten(String around) {
        long hash = ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse(around).plusSeconds(ThreadLocalRandom.current().nextInt(100_000_000));
        String original = newSha256();
        String path = "rewritten/IMG_" + original.substring(0, 6) + ".JPG";
        UUID id = arrivedAndProcessed("folder:icloudpd", path, original, 3024, 4032, shot, hash);
        awaitRecords(Topics.CATALOG, 1, keyed(id));
        String rewritten = newSha256();
        send(arrived("folder:icloudpd", path, rewritten));
        return new Rewrite(hash, shot, path, id, rewritten, requestedPhoto(rewritten));
    }

    /** The photo the ledger asked the preprocessor to make for this content. */
    private static UUID requestedPhoto(String sha256) {
        return UUID.fromString(read(awaitRecords(Topics.PROCESS_REQUESTS, 1, r -> r.value().contains(sha256)).get(0).value())
                .get("photoId").asText());
    }

    @Test
    void aDeletedPhotosTwinIsNotSplitOff() {
        Joined joined = jpegJoinedByHeic("D_", "2023-02-01T00:00:00Z");
        UUID id = joined.id();
        UUID twinId = joined.twinId();
        String heic = joined.heic();

        asService().delete("/api/v1/photos/{id}", id).then().statusCode(200);
        asService().post("/api/v1/photos/{id}/twins/{twin}/split", id, twinId).then().statusCode(409)
                .body(org.hamcrest.Matchers.containsString("is deleted"));
        assertEquals(id.toString(), photo(heic).get("photoId").asText(), "still part of the deleted photo");
    }

    /**
     * An operator's delete of the photo commits while a twin is being split off: the split waits for
     * the photo's row and is refused as it would be after the delete, rather than render a part of a
     * deleted photo again. The delete is held open in the real database to make the race certain.
     */
    @Test
    void aDeleteCommittingWhileATwinIsSplitOffRefusesTheSplit() throws Exception {
        Joined joined = jpegJoinedByHeic("R_", "2023-03-01T00:00:00Z");
        UUID id = joined.id();
        UUID twinId = joined.twinId();
        String heic = joined.heic();

        Db db = new Db(dataSource);
        try (java.sql.Connection operator = db.leftOpen("UPDATE photo SET deleted_at = now() WHERE id = ?", id)) {
            java.util.concurrent.CompletableFuture<String> split = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    asService().post("/api/v1/photos/{id}/twins/{twin}/split", id, twinId).then().extract().statusLine());
            await().atMost(Pipeline.TIMEOUT).until(() -> db.waitingFor(operator) > 0 || split.isDone());
            operator.commit();
            assertTrue(split.get(60, java.util.concurrent.TimeUnit.SECONDS).contains("409"), "refused: " + split.get());
        }
        assertEquals(id.toString(), photo(heic).get("photoId").asText(), "still part of the deleted photo");
    }

    /**
     * The photo's own file is deleted while its twin's file keeps it on the frames; an operator then says
     * the twin is not the same shot. No file of the photo is left, so it goes as the removal would have
     * taken it without the twin; with {@code onDelete: keep} it stays.
     */
    @Test
    void aPhotoWhoseFileWentIsRetiredWhenTheTwinHoldingItIsSplitOff() {
        Split retire = ownFileRemovedThenSplit("2024-04-01T00:00:00Z", RemovalPolicy.RETIRE);
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(retire.id()).get("state").asText()));
        List<ConsumerRecord<String, String>> catalog = awaitRecords(Topics.CATALOG, 2, keyed(retire.id()));
        assertEquals(null, catalog.get(catalog.size() - 1).value(), "taken off the frames");
        assertEquals("PENDING", photoById(retire.twinId()).get("state").asText(), "the twin is made as a photo of its own");

        Split keep = ownFileRemovedThenSplit("2024-05-01T00:00:00Z", RemovalPolicy.KEEP);
        Pipeline.assertStays(Topics.CATALOG, r -> keyed(keep.id()).test(r) && r.value() == null, 0,
                java.time.Duration.ofSeconds(2));
        assertEquals("READY", photoById(keep.id()).get("state").asText(), "kept, as its source says");
    }

    /**
     * A file edited in place (exiftool writing a comment) joins its photo as a twin, and the new bytes take
     * the file's place: the photo has no file of its own left. When an operator then says the twin is not
     * the same shot, the photo goes, as the file's replacement would have taken it without the match;
     * the twin, holding the file, is shown as a photo of its own.
     */
    @Test
    void aPhotoWhoseFileWasRewrittenIsRetiredWhenTheRewriteIsSplitOff() {
        Rewrite rw = shownThenRewritten("2024-06-01T00:00:00Z");
        processed(rw.rewrittenId(), 3024, 4032, rw.shot(), String.format("%016x", rw.hash() ^ 0x4L));
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(rw.rewritten()).get("photoId").asText().equals(rw.id().toString()));
        assertEquals("READY", photoById(rw.id()).get("state").asText(), "the rewrite's file keeps it on the frames");

        asService().post("/api/v1/photos/{id}/twins/{twin}/split", rw.id(), rw.rewrittenId()).then().statusCode(200);
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(rw.id()).get("state").asText()));
        assertEquals(0, photoById(rw.id()).get("origins").size());
        awaitRecords(Topics.CATALOG, 1, r -> keyed(rw.id()).test(r) && r.value() == null);
        assertEquals(null, Pipeline.recordsNow(Topics.CATALOG, keyed(rw.id())).stream().reduce((a, b) -> b).orElseThrow()
                .value(), "taken off the frames");

        processed(rw.rewrittenId(), 3024, 4032, rw.shot(), String.format("%016x", rw.hash() ^ 0x4L));
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(rw.rewrittenId()).get("state").asText()));
        assertEquals(rw.path(), photoById(rw.rewrittenId()).get("origins").get(0).get("path").asText());
        assertTrue(awaitRecords(Topics.CATALOG, 1, keyed(rw.rewrittenId())).get(0).value() != null, "shown on its own");
    }

    /**
     * A photo retired when its only file was removed, then brought back by the same shot arriving from elsewhere
     * (joined as its twin): told that the twin is not the same shot, the photo goes again, as nothing of its
     * own is left.
     */
    @Test
    void aPhotoRetiredThenBroughtBackByATwinIsRetiredAgainWhenTheTwinIsSplitOff() {
        String jpeg = newSha256();
        String path = "R_" + jpeg.substring(0, 6) + ".JPG";
        Instant shot = Instant.parse("2024-07-01T00:00:00Z").plusSeconds(ThreadLocalRandom.current().nextInt(100_000_000));
        long hash = ThreadLocalRandom.current().nextLong();
        UUID id = arrivedAndProcessed("folder:nas", path, jpeg, 3024, 4032, shot, hash);
        retire(id, "folder:nas", path);

        String heic = newSha256();
        UUID twinId = arrivedAndProcessed("dav:anna-iphone", "R_" + jpeg.substring(0, 6) + ".HEIC", heic, 3024, 4032, shot,
                hash ^ 0x1L);
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(heic).get("photoId").asText().equals(id.toString()));
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(id).get("state").asText()));

        asService().post("/api/v1/photos/{id}/twins/{twin}/split", id, twinId).then().statusCode(200);
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(id).get("state").asText()));
        assertEquals(0, photoById(id).get("origins").size());
    }

    private record Split(UUID id, UUID twinId) {
    }

    /** A READY photo from a NAS JPEG, and the same shot's HEIC from iCloud joined to it as its twin. */
    private record Joined(UUID id, UUID twinId, String heic) {
    }

    private static Joined jpegJoinedByHeic(String prefix, String around) {
        long hash = ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse(around).plusSeconds(ThreadLocalRandom.current().nextInt(100_000_000));
        String jpeg = newSha256();
        String heic = newSha256();
        UUID id = arrivedAndProcessed("folder:nas", prefix + jpeg.substring(0, 6) + ".JPG", jpeg, 3024, 4032, shot, hash);
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(id).get("state").asText()));
        UUID twinId = arrivedAndProcessed("folder:icloudpd", prefix + heic.substring(0, 6) + ".HEIC", heic,
                3024, 4032, shot, hash ^ 0x1L);
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(heic).get("photoId").asText().equals(id.toString()));
        return new Joined(id, twinId, heic);
    }

    private static Split ownFileRemovedThenSplit(String around, RemovalPolicy policy) {
        long hash = ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse(around).plusSeconds(ThreadLocalRandom.current().nextInt(100_000_000));
        String jpeg = newSha256();
        String edited = newSha256();
        String path = "S_" + jpeg.substring(0, 6) + ".JPG";
        UUID id = arrivedAndProcessed("folder:nas", path, jpeg, 3024, 4032, shot, hash);
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(id).get("state").asText()));
        UUID twinId = arrivedAndProcessed("folder:nas", "S_" + jpeg.substring(0, 6) + "-edited.JPG", edited,
                3024, 4032, shot, hash ^ 0x1L);
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(edited).get("photoId").asText().equals(id.toString()));

        send(new io.imgboard.events.FileRemoved(UUID.randomUUID(), Instant.now(), "folder:nas", path, policy));
        await().atMost(Pipeline.TIMEOUT).until(() -> origins(jpeg) == 1);
        assertEquals("READY", photoById(id).get("state").asText(), "the twin's file keeps it on the frames");

        asService().post("/api/v1/photos/{id}/twins/{twin}/split", id, twinId).then().statusCode(200);
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(edited).get("photoId").asText().equals(twinId.toString()));
        return new Split(id, twinId);
    }

    /**
     * An operator deletes a photo; then its file is rewritten in place (icloudpd setting the EXIF date, a
     * tagging app) and the same shot comes as a HEIC from elsewhere. Neither brings the shot back to the
     * frames: each joins the deleted photo as its twin, and the pre-check counts both as known.
     */
    @Test
    void theSameShotArrivingAfterAnOperatorDeletedItStaysDeleted() {
        long hash = ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse("2024-08-01T00:00:00Z").plusSeconds(ThreadLocalRandom.current().nextInt(100_000_000));
        String original = newSha256();
        String path = "2024/08/IMG_" + original.substring(0, 6) + ".JPG";
        UUID id = arrivedAndProcessed("folder:icloudpd", path, original, 3024, 4032, shot, hash);
        awaitRecords(Topics.CATALOG, 1, keyed(id));
        asService().delete("/api/v1/photos/{id}", id).then().statusCode(200);
        await().atMost(Pipeline.TIMEOUT).until(() -> "DELETED".equals(photoById(id).get("state").asText()));

        String rewritten = newSha256();
        send(arrived("folder:icloudpd", path, rewritten));
        UUID rewrittenId = requestedPhoto(rewritten);
        processed(rewrittenId, 3024, 4032, shot, String.format("%016x", hash ^ 0x4L));
        String heic = newSha256();
        send(arrived("dav:alice-iphone", "IMG_" + heic.substring(0, 6) + ".HEIC", heic));
        UUID heicId = requestedPhoto(heic);
        processed(heicId, 4032, 5376, shot.plusSeconds(1), String.format("%016x", hash ^ 0x100L));

        await().atMost(Pipeline.TIMEOUT).until(() -> photo(rewritten).get("photoId").asText().equals(id.toString()));
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(heic).get("photoId").asText().equals(id.toString()));
        assertEquals("DELETED", photoById(id).get("state").asText());
        Pipeline.assertStays(Topics.PROCESS_REQUESTS, keyed(id), 1, java.time.Duration.ofSeconds(2)); // not made again from the better HEIC
        Pipeline.assertStays(Topics.CATALOG, r -> keyed(rewrittenId).test(r) || keyed(heicId).test(r), 0,
                java.time.Duration.ofSeconds(2));
        assertTrue(Pipeline.recordsNow(Topics.CATALOG, keyed(id)).stream().reduce((a, b) -> b).orElseThrow().value() == null,
                "the deleted photo stays off the frames");
        assertEquals(2, asService().contentType("application/json")
                .body(java.util.Map.of("sha256", List.of(rewritten, heic))).post("/api/v1/photos/known")
                .then().statusCode(200).extract().jsonPath().getList("known").size(), "a phone need not send either");
    }

    /** A shot on the frames wins over a retired photo of it, which joining would bring back beside it. */
    @Test
    void aNewTwinJoinsThePhotoOnTheFramesRatherThanARetiredOne() {
        long hash = ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse("2022-06-01T00:00:00Z").plusSeconds(ThreadLocalRandom.current().nextInt(100_000_000));
        String retired = newSha256();
        String live = newSha256();
        String third = newSha256();
        String retiredPath = "A_" + retired.substring(0, 6) + ".JPG";
        UUID retiredId = arrivedAndProcessed("folder:nas", retiredPath, retired, 3024, 4032, shot, hash);
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(retiredId).get("state").asText()));
        retire(retiredId, "folder:nas", retiredPath);
        // 4 bits from the retired one: a photo of its own
        UUID liveId = arrivedAndProcessed("folder:icloudpd", "B_" + live.substring(0, 6) + ".HEIC", live,
                3024, 4032, shot.plusSeconds(1), hash ^ 0xF0L);
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(liveId).get("state").asText()));
        assertEquals("RETIRED", photoById(retiredId).get("state").asText());

        // 2 bits from each; the retired one is older
        UUID thirdId = arrivedAndProcessed("dav:alice-iphone", "C_" + third.substring(0, 6) + ".JPG", third,
                3024, 4032, shot, hash ^ 0x30L);
        await().atMost(Pipeline.TIMEOUT).until(() -> !photo(third).get("photoId").asText().equals(thirdId.toString()));
        assertEquals(liveId.toString(), photo(third).get("photoId").asText());
        assertEquals("RETIRED", photoById(retiredId).get("state").asText(), "not brought back beside the shot on the frames");
    }

    /**
     * A twin's renditions are deleted when it joins its photo; split off soon after, it is rendered
     * again at the same keys, and the deletion still waiting must not remove the new renditions. Asking
     * for a photo's renditions takes back the waiting deletions of the keys it is about to write (both
     * in one transaction here, so the 1 s sweep cannot run in between); others stay.
     */
    @Test
    void askingForAPhotosRenditionsTakesBackTheirWaitingDeletions() {
        String sha = newSha256();
        send(arrived("folder:nas", "IMG_" + sha.substring(0, 6) + ".JPG", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        String display = Rendition.keyFor(id, "display");
        String dropped = Rendition.keyFor(id, "no-longer-in-the-set");
        QuarkusTransaction.requiringNew().run(() -> {
            deletions.rendition(display);
            deletions.rendition(dropped);
            requests.request(photos.findById(id), ProcessRequested.Reason.REPROCESS);
        });
        assertEquals(List.of(dropped), QuarkusTransaction.requiringNew().call(() ->
                photos.getEntityManager().createNativeQuery("SELECT object_key FROM object_deletion WHERE object_key IN (:keys)")
                        .setParameter("keys", List.of(display, dropped)).getResultList()));
    }

    /**
     * An operator deleted a photo (its original's deletion waits in the queue) and a WebDAV client puts the same
     * bytes: its file is read back from that original, so the waiting deletion is taken back.
     */
    @Test
    void aWebDavFileOfADeletedPhotosBytesKeepsTheirOriginal() {
        String sha = newSha256();
        send(arrived("upload:api", "gone-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        asService().delete("/api/v1/photos/{id}", id).then().statusCode(200);
        io.imgboard.events.FileArrived put = arrived("dav:anna", "again-" + sha.substring(0, 6) + ".jpg", sha);
        List<?> waiting = QuarkusTransaction.requiringNew().call(() -> {
            deletions.originalsOfDeleted(photos.findById(id)); // as the delete queued it, not yet carried out
            fileEvents.handle(put);
            return photos.getEntityManager().createNativeQuery(
                            "SELECT id FROM object_deletion WHERE object_key = :key AND done_at IS NULL")
                    .setParameter("key", put.originalKey()).getResultList();
        });
        assertEquals(List.of(), waiting, "the WebDAV file's original is not deleted");
        assertEquals("DELETED", photoById(id).get("state").asText(), "the photo stays deleted");
    }

    /** The photo's only file removed: it is retired. */
    private static void retire(UUID id, String sourceId, String path) {
        send(Pipeline.removed(sourceId, path));
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(id).get("state").asText()));
    }

    private static int origins(String sha256) {
        return photo(sha256).get("origins").size();
    }

    @Test
    void photosTooFarApartInHashOrTimeAreNotTwins() {
        long hash = ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse("2010-01-01T00:00:00Z").plusSeconds(ThreadLocalRandom.current().nextInt(100_000_000));
        List<String> shas = List.of(newSha256(), newSha256(), newSha256());
        List<Instant> times = List.of(shot, shot.plusSeconds(1), shot.plusSeconds(10));
        List<Long> hashes = List.of(hash, hash ^ 0xF0F0L, hash ^ 0x1L); // 8 bits apart; 1 bit but 10 s later
        for (int i = 0; i < 3; i++) {
            String sha = shas.get(i);
            send(arrived("folder:nas", "far-" + sha.substring(0, 6) + ".jpg", sha));
            UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
            processed(id, 800, 600, times.get(i), String.format("%016x", hashes.get(i)));
            await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photo(sha).get("status").asText()));
        }
        for (String sha : shas) {
            assertEquals(sha, photo(sha).get("sha256").asText(), "a photo of its own");
        }
    }
}
