package io.imgboard.ledger;

import io.imgboard.events.FileArrived;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.awaitRecords;
import static io.imgboard.ledger.Pipeline.keyed;
import static io.imgboard.ledger.Pipeline.metric;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photo;
import static io.imgboard.ledger.Pipeline.recordsNow;
import static io.imgboard.ledger.Pipeline.requestId;
import static io.imgboard.ledger.Pipeline.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A temporary failure (the database refuses a statement or a commit) is not a poison message: the
 * event is applied again until it works, and nothing goes to the dead-letter topic.
 *
 * <p>The failures are real PostgreSQL errors, made by triggers that this test creates in a separate
 * connection and drops again ("the outage ends"). They fire only for this test's own rows, so the
 * rest of the suite is not affected.
 */
@QuarkusTest
class TemporaryFailuresTest {
    private static final String RETRIES = "imgboard_ledger_consume_retries_total";

    @Inject
    DataSource dataSource;

    @Test
    void aFileArrivingWhileTheDatabaseRefusesIsAppliedOnceItRecoversAndNotDeadLettered() {
        Db db = new Db(dataSource);
        String sha = newSha256();
        FileArrived event = arrived("folder:nas", "outage-" + sha.substring(0, 6) + ".jpg", sha);
        String failure = "test_outage_" + sha.substring(0, 12);
        double retriesBefore = metric(RETRIES);
        db.update("CREATE FUNCTION " + failure + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'test: could not obtain lock on photo' USING ERRCODE = '55P03'; END $$");
        try {
            db.update("CREATE TRIGGER " + failure + " BEFORE INSERT ON photo FOR EACH ROW WHEN (NEW.sha256 = '" + sha
                    + "') EXECUTE FUNCTION " + failure + "()");

            send(event);

            // A source's events share its key: this one is told apart by its id.
            Predicate<ConsumerRecord<String, String>> dead = r -> r.value() != null && r.value().contains(event.eventId().toString());
            awaitTriedAgainOrDeadLettered(retriesBefore, dead);
            assertTrue(recordsNow(Topics.DEAD_LETTER, dead).isEmpty(),
                    "a temporary failure must not send the event to the dead-letter topic");
            given().get("/api/v1/photos/by-sha256/{sha}", sha).then().statusCode(404);
        } finally {
            db.update("DROP FUNCTION IF EXISTS " + failure + "() CASCADE");
        }

        String photoId = awaitPhoto(sha).get("photoId").asText();
        assertEquals("PENDING", photo(sha).get("status").asText());
        awaitRecords(Topics.PROCESS_REQUESTS, 1, keyed(photoId));
        assertTrue(recordsNow(Topics.DEAD_LETTER, r -> r.value() != null && r.value().contains(event.eventId().toString())).isEmpty());
    }

    @Test
    void aResultWhoseCommitFailsIsAppliedAgainInANewTransaction() {
        Db db = new Db(dataSource);
        String sha = newSha256();
        send(arrived("upload:phone-anna", "commit-" + sha.substring(0, 6) + ".jpg", sha));
        UUID photoId = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        PhotoProcessed processed = new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId(photoId),
                List.of(new Rendition("display", "renditions/" + photoId + "/display.webp", 800, 600, 4000)),
                800, 600, "jpeg", null, Pipeline.randomPhash(), null);
        String failure = "test_commit_" + sha.substring(0, 12);
        double retriesBefore = metric(RETRIES);
        db.update("CREATE FUNCTION " + failure + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'test: could not serialize access' USING ERRCODE = '40001'; END $$");
        try {
            // deferred: the statements work, the COMMIT fails
            db.update("CREATE CONSTRAINT TRIGGER " + failure + " AFTER UPDATE ON photo DEFERRABLE INITIALLY DEFERRED"
                    + " FOR EACH ROW WHEN (NEW.id = '" + photoId + "'::uuid) EXECUTE FUNCTION " + failure + "()");

            send(processed);

            awaitTriedAgainOrDeadLettered(retriesBefore, keyed(photoId));
            assertTrue(recordsNow(Topics.DEAD_LETTER, keyed(photoId)).isEmpty(),
                    "a failed commit must not send the event to the dead-letter topic");
            assertEquals("PENDING", photo(sha).get("status").asText());
            assertTrue(recordsNow(Topics.CATALOG, keyed(photoId)).isEmpty(), "nothing published from a rolled-back transaction");
        } finally {
            db.update("DROP FUNCTION IF EXISTS " + failure + "() CASCADE");
        }

        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photo(sha).get("status").asText()));
        awaitRecords(Topics.CATALOG, 1, keyed(photoId));
        assertTrue(recordsNow(Topics.DEAD_LETTER, keyed(photoId)).isEmpty());
    }

    /** The ledger has failed and tried again a few times, or (the bug) has given the event up. */
    private static void awaitTriedAgainOrDeadLettered(double retriesBefore, Predicate<ConsumerRecord<String, String>> dead) {
        await().atMost(Pipeline.TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() ->
                metric(RETRIES) >= retriesBefore + 3 || !recordsNow(Topics.DEAD_LETTER, dead).isEmpty());
    }
}
