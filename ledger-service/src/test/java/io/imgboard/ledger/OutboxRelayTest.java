package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.Topics;
import io.imgboard.ledger.service.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.imgboard.ledger.Pipeline.awaitRecords;
import static io.imgboard.ledger.Pipeline.keyed;
import static io.imgboard.ledger.Pipeline.recordsNow;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox relay: a row counts as sent only once the broker has acknowledged it. */
@QuarkusTest
class OutboxRelayTest {

    @Inject
    Outbox outbox;

    @Inject
    DataSource dataSource;

    @Test
    void aRowIsMarkedSentOnlyAfterTheBrokerHasIt() {
        String key = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() ->
                outbox.add(Topics.CATALOG, key, Map.of("photoId", key, "note", "outbox test")));

        ConsumerRecord<String, String> record = awaitRecords(Topics.CATALOG, 1, keyed(key)).get(0);
        assertEquals(key, Pipeline.read(record.value()).get("photoId").asText());
        Db db = new Db(dataSource);
        await().atMost(Pipeline.TIMEOUT).until(() ->
                db.rows("SELECT sent_at FROM outbox WHERE message_key = ?", key).get(0).get("sent_at") != null);
        Map<String, Object> row = db.rows("SELECT sent_at, attempts FROM outbox WHERE message_key = ?", key).get(0);
        long sentAt = ((Timestamp) row.get("sent_at")).getTime();
        assertTrue(sentAt >= record.timestamp(),
                "sent_at " + sentAt + " must not precede the record's creation " + record.timestamp());
        assertEquals(0, row.get("attempts"));
    }

    @Test
    void aRowTheBrokerRejectsStaysUnsentAndDoesNotHoldUpTheOthers() {
        String key = UUID.randomUUID().toString();
        Db db = new Db(dataSource);
        try {
            // An invalid topic name: the broker refuses it, so the send fails and is never acknowledged.
            QuarkusTransaction.requiringNew().run(() -> outbox.add("imgboard.no such topic!", key, Map.of("k", key)));
            await().atMost(Pipeline.TIMEOUT).until(() ->
                    ((Number) db.rows("SELECT attempts FROM outbox WHERE message_key = ?", key).get(0).get("attempts"))
                            .intValue() >= 1);
            Map<String, Object> rejected = db.rows("SELECT sent_at, last_error, next_attempt_at FROM outbox WHERE message_key = ?",
                    key).get(0);
            assertNull(rejected.get("sent_at"));
            assertNotNull(rejected.get("last_error"));
            assertNotNull(rejected.get("next_attempt_at"), "tried again later, with a pause");
            // The sweep's run counts it for the gauge, once a second.
            await().atMost(Pipeline.TIMEOUT).until(() -> Pipeline.metric("imgboard_ledger_outbox_unsent") >= 1);

            String later = UUID.randomUUID().toString();
            QuarkusTransaction.requiringNew().run(() -> outbox.add(Topics.CATALOG, later, Map.of("photoId", later)));
            List<ConsumerRecord<String, String>> delivered = awaitRecords(Topics.CATALOG, 1, keyed(later));
            assertEquals(1, delivered.size());
            assertNull(db.rows("SELECT sent_at FROM outbox WHERE message_key = ?", key).get(0).get("sent_at"));
        } finally {
            db.update("DELETE FROM outbox WHERE message_key = ?", key);
        }
    }
    @Test
    void aRowWhoseSendFailedHoldsBackTheLaterRowsOfItsKeyButNotOtherKeys() {
        String key = UUID.randomUUID().toString();
        String otherKey = UUID.randomUUID().toString();
        Db db = new Db(dataSource);
        try {
            // Larger than the producer's max.request.size (1 MiB): the client refuses this record, only this one.
            QuarkusTransaction.requiringNew().run(() ->
                    outbox.add(Topics.PROCESS_REQUESTS, key, Map.of("n", 1, "pad", "x".repeat(1_200_000))));
            await().atMost(Pipeline.TIMEOUT).until(() ->
                    ((Number) db.rows("SELECT attempts FROM outbox WHERE message_key = ?", key).get(0).get("attempts"))
                            .intValue() >= 1);

            QuarkusTransaction.requiringNew().run(() -> {
                outbox.add(Topics.PROCESS_REQUESTS, key, Map.of("n", 2));
                outbox.add(Topics.PROCESS_REQUESTS, otherKey, Map.of("n", 1));
            });

            // the other key goes out (written with the later row, so the relay has seen both) ...
            awaitRecords(Topics.PROCESS_REQUESTS, 1, keyed(otherKey));
            await().atMost(Pipeline.TIMEOUT).until(() ->
                    db.rows("SELECT sent_at FROM outbox WHERE message_key = ?", otherKey).get(0).get("sent_at") != null);
            // ... the later row of the failed one's key does not
            List<Map<String, Object>> rows = db.rows(
                    "SELECT sent_at, attempts FROM outbox WHERE message_key = ? ORDER BY id", key);
            assertNull(rows.get(1).get("sent_at"), "held back behind the unsent row of its key");
            assertEquals(0, rows.get(1).get("attempts"), "not even tried");
            assertTrue(recordsNow(Topics.PROCESS_REQUESTS, keyed(key)).isEmpty());

            // the failed row can be sent now (its next attempt due at once): both go out, in order
            db.update("UPDATE outbox SET payload = ?, next_attempt_at = NULL, parked_at = NULL WHERE id = (SELECT min(id) FROM outbox"
                    + " WHERE message_key = ?)", "{\"n\":1}", key);
            List<ConsumerRecord<String, String>> delivered = awaitRecords(Topics.PROCESS_REQUESTS, 2, keyed(key));
            assertEquals(List.of(1, 2), delivered.stream().map(r -> Pipeline.read(r.value()).get("n").asInt()).toList());
        } finally {
            db.update("DELETE FROM outbox WHERE message_key IN (?, ?)", key, otherKey);
        }
    }

    /**
     * And a parked row of the compacted catalog, once a later row of its photo was sent, is not replayed:
     * the topic keeps a key's last record, and the older state would stand in place of the newer.
     */
    @Test
    void aRowTheBrokerKeepsRefusingIsParkedStopsHoldingBackItsKeyAndCanBeReplayed() {
        String key = UUID.randomUUID().toString();
        String photo = UUID.randomUUID().toString();
        Db db = new Db(dataSource);
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                outbox.add(Topics.PROCESS_REQUESTS, key, Map.of("n", 1, "pad", "x".repeat(1_200_000)));
                outbox.add(Topics.PROCESS_REQUESTS, key, Map.of("n", 2));
                outbox.add(Topics.CATALOG, photo, Map.of("n", 1, "pad", "x".repeat(1_200_000)));
                outbox.add(Topics.CATALOG, photo, Map.of("n", 2));
            });
            // tried imgboard.ledger.outbox.max-attempts (5) times, then parked. The pauses between attempts (1 s,
            // 2 s, 4 s, 8 s: 15 s of the test's time) are skipped: each failed row is made due again at once, so
            // the relay's next run (its sweep, each second) makes the next attempt. What is counted is the same.
            await().atMost(java.time.Duration.ofSeconds(90)).until(() -> {
                db.update("UPDATE outbox SET next_attempt_at = now() WHERE message_key IN (?, ?) AND sent_at IS NULL"
                        + " AND parked_at IS NULL AND next_attempt_at > now()", key, photo);
                return db.rows("SELECT parked_at FROM outbox WHERE message_key = ? ORDER BY id", key).get(0).get("parked_at") != null;
            });
            List<ConsumerRecord<String, String>> next = awaitRecords(Topics.PROCESS_REQUESTS, 1, keyed(key));
            assertEquals(2, Pipeline.read(next.get(0).value()).get("n").asInt(), "the later row no longer waits");
            long id = ((Number) db.rows("SELECT id FROM outbox WHERE message_key = ? ORDER BY id", key).get(0).get("id")).longValue();
            JsonNode parked = Pipeline.read(given().get("/api/v1/outbox/parked").then().statusCode(200).extract().asString());
            boolean listed = false;
            for (JsonNode row : parked) {
                listed |= row.get("id").asLong() == id && row.get("attempts").asInt() == 5;
            }
            assertTrue(listed, "listed with its attempts: " + parked);

            // an operator fixes what made it unsendable and replays it
            db.update("UPDATE outbox SET payload = ? WHERE id = ?", "{\"n\":1}", id);
            Pipeline.asService().post("/api/v1/outbox/{id}/replay", id).then().statusCode(200);
            awaitRecords(Topics.PROCESS_REQUESTS, 2, keyed(key));
            Pipeline.asService().post("/api/v1/outbox/{id}/replay", id).then().statusCode(404);

            await().atMost(java.time.Duration.ofSeconds(90)).until(() -> {
                db.update("UPDATE outbox SET next_attempt_at = now() WHERE message_key = ? AND sent_at IS NULL"
                        + " AND parked_at IS NULL AND next_attempt_at > now()", photo);
                return db.rows("SELECT parked_at FROM outbox WHERE message_key = ? ORDER BY id", photo).get(0).get("parked_at") != null;
            });
            awaitRecords(Topics.CATALOG, 1, keyed(photo));
            long catalogRow = ((Number) db.rows("SELECT id FROM outbox WHERE message_key = ? ORDER BY id", photo).get(0).get("id")).longValue();
            db.update("UPDATE outbox SET payload = ? WHERE id = ?", "{\"n\":1}", catalogRow);
            Pipeline.asService().post("/api/v1/outbox/{id}/replay", catalogRow).then().statusCode(409)
                    .body("error", org.hamcrest.Matchers.containsString("superseded by row"));
            assertEquals(1, recordsNow(Topics.CATALOG, keyed(photo)).size(), "the later state stays the last");
        } finally {
            db.update("DELETE FROM outbox WHERE message_key IN (?, ?)", key, photo);
        }
    }
}
