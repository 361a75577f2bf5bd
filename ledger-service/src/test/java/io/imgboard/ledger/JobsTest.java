package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.imgboard.ledger.persistence.JobRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.PhotoStatus;
import io.imgboard.ledger.service.JobView;
import io.imgboard.ledger.service.ReprocessJobs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.asService;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reprocess jobs report honest progress; the rendition set is the ledger's and its change starts one. */
@QuarkusTest
class JobsTest {

    @Inject
    PhotoRepository photos;

    @Inject
    JobRepository jobRows;

    @Inject
    ReprocessJobs jobs;

    @Inject
    javax.sql.DataSource dataSource;

    @Test
    void aReprocessJobKnowsItsTotalAtOnceAsksAFewAtATimeAndRunsUntilEveryPhotoHasAResult() {
        List<UUID> ids = readyPhotos("folder:jobs", 12); // more than the 8 asked for at a time

        long startedAt = System.currentTimeMillis();
        JsonNode job = read(asService().contentType(ContentType.JSON).body(Map.of("scope", "all"))
                .post("/api/v1/jobs/reprocess").then().statusCode(202).extract().asString());
        int total = job.get("total").asInt();
        assertTrue(total >= ids.size(), "every photo of the ledger is in the job: " + job);
        assertEquals("running", job.get("state").asText());
        assertEquals(0, job.get("done").asInt());
        asService().contentType(ContentType.JSON).body(Map.of("scope", "all")).post("/api/v1/jobs/reprocess")
                .then().statusCode(409).body("error", equalTo("Reprocessing already in progress"));

        // One photo not asked for yet becomes a twin meanwhile (its first result found the same shot): its
        // item ends without a request, or the job would wait for it forever.
        Set<UUID> askedFirst = new LinkedHashSet<>();
        await().atMost(Pipeline.TIMEOUT).until(() -> {
            Pipeline.recordsNow(Topics.PROCESS_REQUESTS, r -> r.timestamp() >= startedAt
                    && "REPROCESS".equals(read(r.value()).path("reason").asText())).forEach(r -> askedFirst.add(UUID.fromString(r.key())));
            return askedFirst.size() >= 8; // all the job asks for before its first result
        });
        // Not the photo that fails (ids 0) nor the one it becomes a twin of (ids 1).
        UUID twin = ids.subList(2, ids.size()).stream().filter(id -> !askedFirst.contains(id)).findFirst().orElseThrow();
        QuarkusTransaction.requiringNew().run(() -> {
            PhotoEntity photo = photos.findById(twin);
            photo.status = PhotoStatus.TWIN;
            photo.twinOf = ids.get(1);
        });

        // Answer each request as it comes (one photo fails for good): the ledger asks for the next with
        // each result, never more than 8 unanswered, and the job runs until every photo has a result.
        UUID failing = ids.get(0);
        Set<UUID> asked = new LinkedHashSet<>();
        int[] mostUnanswered = {0};
        await().atMost(Duration.ofMinutes(3)).until(() -> {
            List<ConsumerRecord<String, String>> requests = Pipeline.recordsNow(Topics.PROCESS_REQUESTS,
                    r -> r.timestamp() >= startedAt && "REPROCESS".equals(read(r.value()).path("reason").asText()));
            List<ConsumerRecord<String, String>> fresh = requests.stream()
                    .filter(r -> asked.add(UUID.fromString(r.key()))).toList();
            // Only this test's photos are counted: the requeue sweep may ask again for another test's photo
            // meanwhile (a due retry goes out as REPROCESS too), which is not the job's.
            mostUnanswered[0] = Math.max(mostUnanswered[0],
                    (int) fresh.stream().filter(r -> ids.contains(UUID.fromString(r.key()))).count());
            JsonNode now = current();
            if (asked.size() < total - 1) {
                assertEquals("running", now.get("state").asText(), "running until every photo has a result");
            }
            for (ConsumerRecord<String, String> request : fresh) {
                UUID photo = UUID.fromString(request.key());
                UUID requestId = UUID.fromString(read(request.value()).get("eventId").asText());
                if (photo.equals(failing)) {
                    send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), photo, requestId, "corrupt", true));
                } else {
                    send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photo, requestId,
                            List.of(new Rendition("display", "renditions/" + photo + "/display.webp", 800, 600, 4000)),
                            800, 600, "jpeg", null, randomPhash(), null));
                }
            }
            return "finished".equals(now.get("state").asText());
        });
        assertTrue(asked.containsAll(ids.stream().filter(id -> !id.equals(twin)).toList()), "a request per photo of the job");
        assertFalse(asked.contains(twin), "the twin is not rendered on its own");
        assertTrue(asked.size() >= total - 1, "a request per photo of the job but the twin: " + asked.size() + " of " + total);
        assertTrue(mostUnanswered[0] <= 8, "asked for " + mostUnanswered[0] + " photos at once, 8 at most");
        JsonNode done = current();
        assertEquals(total - 2, done.get("done").asInt());
        assertEquals(1, done.get("failed").asInt(), "the photo that failed; the twin left the job, it did not fail");
        assertEquals(total - 1, done.get("total").asInt(), "the twin left the total");
        assertEquals("READY", photoById(failing).get("status").asText(), "a failed re-render keeps the old renditions");
    }

    /**
     * Photos deleted before their turn end as failed the moment the job comes to them, and their places
     * are filled at once: with more of them than the job asks for at a time and nothing else in flight, no
     * result will ever come to move the job on. One transaction, rolled back: no sweep sees the job.
     */
    @Test
    void photosDeletedBeforeTheirTurnEndAtOnceHoweverManyTheyAre() {
        List<UUID> ids = readyPhotos("folder:jobs-deleted", 12); // more than the 8 asked for at a time

        QuarkusTransaction.begin();
        try {
            Instant now = Instant.now();
            jobRows.lock();
            jobRows.running().ifPresent(other -> jobRows.replace(other.id(), now));
            jobRows.create(UUID.randomUUID(), "all", ids, now);
            for (UUID id : ids) { // an operator deletes them all after the job started
                photos.findById(id).deletedAt = now;
            }
            jobs.requestNext();
            JobView job = jobs.current();
            assertEquals("finished", job.state(), job.toString());
            assertEquals(0, job.failed(), "a deleted photo's rendering did not fail: " + job);
            assertEquals(0, job.done(), job.toString());
            assertEquals(0, job.total(), "they left the job: " + job);
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    /**
     * An operator deletes photos while a job runs (img-board's contract: {@code failed} counts only photos whose
     * rendering failed): each deleted photo's item ends as left, asked for or not, and the total drops by one each.
     */
    @Test
    void photosAnOperatorDeletesDuringAJobLeaveItsTotalAndAreNotFailures() throws Exception {
        List<UUID> ids = readyPhotos("folder:jobs-operator", 10); // more than the 8 asked for at a time
        UUID jobId = UUID.randomUUID();
        Db db = new Db(dataSource);
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                jobRows.lock();
                jobRows.running().ifPresent(other -> jobRows.replace(other.id(), Instant.now()));
                jobRows.create(jobId, "all", ids, Instant.now());
            });
            QuarkusTransaction.requiringNew().run(jobs::requestNext);
            List<UUID> unasked = itemsOf(jobId, false);
            assertEquals(2, unasked.size(), "8 asked for, 2 waiting their turn");
            UUID asked = itemsOf(jobId, true).get(0);
            for (UUID id : List.of(asked, unasked.get(0))) {
                asService().delete("/api/v1/photos/{id}", id).then().statusCode(200);
            }
            assertEquals(List.of(Map.of("state", "left", "reason", "deleted by an operator"),
                            Map.of("state", "left", "reason", "deleted by an operator")),
                    db.rows("SELECT state, reason FROM reprocess_item WHERE job_id = ? AND photo_id IN (?, ?)",
                            jobId, asked, unasked.get(0)));
            JobRepository.JobRow job = QuarkusTransaction.requiringNew().call(() -> jobRows.latest().orElseThrow());
            assertEquals(8, job.total(), job.toString());
            assertEquals(0, job.failed(), job.toString());
        } finally {
            QuarkusTransaction.requiringNew().run(() -> {
                jobRows.lock();
                jobRows.running().filter(job -> job.id().equals(jobId)).ifPresent(job -> jobRows.replace(jobId, Instant.now()));
            });
        }
    }

    /**
     * A result never waits for the job lock while it holds the job's row: with another transaction holding
     * the lock (as the requeue sweep or a new job does), the result settles its item and ends, and the
     * sweep asks for the next photo once the lock is free. Waiting there could deadlock with a holder that
     * settles an item of the same job.
     */
    @Test
    void aResultDoesNotWaitForTheJobLockAndTheSweepAsksForTheNextPhoto() throws Exception {
        List<UUID> ids = readyPhotos("folder:jobs-locked", 9); // one more than asked for at a time
        UUID jobId = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            jobRows.lock();
            jobRows.running().ifPresent(other -> jobRows.replace(other.id(), Instant.now()));
            jobRows.create(jobId, "all", ids, Instant.now());
            jobs.requestNext(); // asks for 8 of the 9
        });
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            List<UUID> asked = itemsOf(jobId, true);
            assertEquals(8, asked.size());
            Future<?> holder = threads.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                jobRows.lock();
                held.countDown();
                try {
                    release.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertTrue(held.await(30, TimeUnit.SECONDS), "the lock was not taken");
            Future<?> result = threads.submit(() -> QuarkusTransaction.requiringNew()
                    .run(() -> jobs.resultFor(asked.get(0), true, null)));
            try {
                result.get(30, TimeUnit.SECONDS); // before the fix it waited here for the lock's holder
            } finally {
                release.countDown();
                holder.get(30, TimeUnit.SECONDS);
            }
            await().atMost(Pipeline.TIMEOUT).until(() -> itemsOf(jobId, false).isEmpty());
            assertEquals(1, QuarkusTransaction.requiringNew().call(() -> jobRows.latest().orElseThrow().done()));
        } finally {
            release.countDown();
            threads.shutdownNow();
            QuarkusTransaction.requiringNew().run(() -> {
                jobRows.lock();
                jobRows.running().filter(job -> job.id().equals(jobId)).ifPresent(job -> jobRows.replace(jobId, Instant.now()));
            });
        }
    }

    /**
     * An operator's delete commits while the job asks for the photo: asking waits for the photo's row and
     * finds it deleted, so its item ends as deleted and no request goes out (a request takes the photo's
     * renditions back from the deletion queue, so they would stay in the bucket for good). The delete is
     * held open in the real database from before the job starts, so whichever asks first (this test or
     * the requeue sweep) meets it.
     */
    @Test
    void aPhotoDeletedWhileTheJobAsksForItIsNotAskedFor() throws Exception {
        UUID id = readyPhotos("folder:jobs-racing", 1).get(0);
        UUID jobId = UUID.randomUUID();
        Db db = new Db(dataSource);
        try (java.sql.Connection operator = db.leftOpen("UPDATE photo SET deleted_at = now() WHERE id = ?", id)) {
            QuarkusTransaction.requiringNew().run(() -> {
                jobRows.lock();
                jobRows.running().ifPresent(other -> jobRows.replace(other.id(), Instant.now()));
                jobRows.create(jobId, "all", List.of(id), Instant.now());
            });
            java.util.concurrent.CompletableFuture<Void> asking = java.util.concurrent.CompletableFuture.runAsync(
                    () -> QuarkusTransaction.requiringNew().run(jobs::requestNext));
            await().atMost(Pipeline.TIMEOUT).until(() -> db.waitingFor(operator) > 0);
            operator.commit();
            asking.get(60, TimeUnit.SECONDS);
        }
        List<Map<String, Object>> item = db.rows("SELECT state, reason FROM reprocess_item WHERE job_id = ?", jobId);
        assertEquals(List.of(Map.of("state", "left", "reason", "deleted by an operator")), item);
        assertEquals("finished", QuarkusTransaction.requiringNew().call(() -> jobRows.latest().orElseThrow().state()));
        // Its one request is the one its arrival made; asking for the deleted photo would be a second.
        Pipeline.assertStays(Topics.PROCESS_REQUESTS, Pipeline.keyed(id), 1, Duration.ofSeconds(3));
    }

    /** The job's waiting items, those asked for or those not yet asked for. */
    @SuppressWarnings("unchecked")
    private List<UUID> itemsOf(UUID jobId, boolean asked) {
        return QuarkusTransaction.requiringNew().call(() -> (List<UUID>) io.quarkus.hibernate.orm.panache.Panache.getEntityManager().createNativeQuery(
                        "SELECT photo_id FROM reprocess_item WHERE job_id = :id AND state = 'waiting' AND requested_at IS "
                                + (asked ? "NOT NULL" : "NULL"))
                .setParameter("id", jobId).getResultList());
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

    /**
     * A set the preprocessor could not make (a name with {@code _}, a side beyond the largest WebP) would fail
     * every new photo and every reprocess: it is refused with the reason, nothing saved, no job started.
     */
    @Test
    void aRenditionThePreprocessorCannotMakeIsRefusedBeforeItIsSaved() {
        String before = given().get("/api/v1/renditions").then().statusCode(200).extract().asString();
        String job = given().get("/api/v1/jobs/current").then().statusCode(200).extract().path("id");
        List<Map<String, Object>> withTv = new ArrayList<>();
        read(before).get("renditions").forEach(r -> withTv.add(Map.of("name", r.get("name").asText(),
                "width", r.get("width").asInt(), "height", r.get("height").asInt(), "quality", r.get("quality").asInt())));
        List<Map<String, Object>> tooWide = new ArrayList<>(withTv);
        Map<String, Object> first = withTv.get(0);
        tooWide.set(0, Map.of("name", first.get("name"), "width", 16384, "height", first.get("height"),
                "quality", first.get("quality")));
        withTv.add(Map.of("name", "tv_4k", "width", 3840, "height", 2160, "quality", 82));

        asService().contentType(ContentType.JSON).body(Map.of("renditions", withTv)).put("/api/v1/renditions")
                .then().statusCode(400).body("error", equalTo("rendition name must be 1-32 of a-z, 0-9 and -, starting"
                        + " with a letter or digit (it is part of the photo's media URL), not 'tv_4k'"));
        asService().contentType(ContentType.JSON).body(Map.of("renditions", tooWide)).put("/api/v1/renditions")
                .then().statusCode(400).body("error", equalTo("rendition " + first.get("name") + ": width and height"
                        + " must be 1-16383 (the largest WebP), not 16384x" + first.get("height")));

        assertEquals(before, given().get("/api/v1/renditions").then().extract().asString(), "a refused set was saved");
        assertEquals(job, given().get("/api/v1/jobs/current").then().extract().path("id"), "a refused set started a job");
    }

    /** {@code n} new photos from {@code source}, each arrived and rendered: READY. */
    /**
     * A photo retired while the library was reprocessed (a job leaves retired photos out) comes back with
     * renditions of the old sizes: its return asks for it to be processed again.
     */
    @Test
    void aPhotoRetiredDuringAWholeLibraryJobIsProcessedAgainWhenItComesBack() {
        String sha = newSha256();
        String path = "revive-" + sha.substring(0, 6) + ".jpg";
        send(arrived("folder:revive", path, sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        processed(id, 800, 600, null, randomPhash());
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photoById(id).get("status").asText()));
        send(Pipeline.removed("folder:revive", path));
        await().atMost(Pipeline.TIMEOUT).until(() -> "RETIRED".equals(photoById(id).get("state").asText()));

        // A job over the whole library while it is retired (one without photos: finished at once, touching no other test's).
        QuarkusTransaction.requiringNew().run(() -> jobRows.create(UUID.randomUUID(), "all", List.of(), java.time.Instant.now()));
        long back = System.currentTimeMillis();
        send(arrived("folder:revive", "back-" + path, sha));
        await().atMost(Pipeline.TIMEOUT).until(() -> Pipeline.recordsNow(Topics.PROCESS_REQUESTS, r -> r.key().equals(id.toString())
                && r.timestamp() >= back && "REPROCESS".equals(read(r.value()).path("reason").asText())).size() == 1);
    }

    private static List<UUID> readyPhotos(String source, int n) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String sha = newSha256();
            send(arrived(source, "job-" + sha.substring(0, 6) + ".jpg", sha));
            UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
            processed(id, 800, 600, null, randomPhash());
            ids.add(id);
        }
        await().atMost(Pipeline.TIMEOUT).until(() -> ids.stream().allMatch(id -> "READY".equals(photoById(id).get("status").asText())));
        return ids;
    }

    private static JsonNode current() {
        return read(given().get("/api/v1/jobs/current").then().statusCode(200).extract().asString());
    }
}
