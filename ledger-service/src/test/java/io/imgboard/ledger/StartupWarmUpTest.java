package io.imgboard.ledger;

import io.imgboard.events.Topics;
import io.imgboard.ledger.messaging.StartupWarmUp;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;

import static io.imgboard.ledger.Pipeline.recordsNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up warm-up applies a new photo's file event and its result on the real database and
 * broker, and leaves nothing behind: no photo, origin, handled event or outbox row, and no record on
 * the topics the outbox sends to, only its one send through the outbox's producer to
 * {@code imgboard.warm-up}, which no service reads. (It also ran when this test's application started.)
 */
@QuarkusTest
class StartupWarmUpTest {
    private static final String LIKE = StartupWarmUp.SHA256_PREFIX + "%";

    @Inject
    StartupWarmUp warmUp;

    @Inject
    DataSource dataSource;

    @Test
    void appliesAPhotoAndItsResultAndCommitsNothing() {
        int sent = recordsNow(Topics.WARM_UP, StartupWarmUpTest::ledgers).size();

        assertTrue(warmUp.warmUp(), "every step of the warm-up should succeed against the real servers");

        List<ConsumerRecord<String, String>> warmUps = recordsNow(Topics.WARM_UP, StartupWarmUpTest::ledgers);
        assertEquals(sent + 1, warmUps.size(), "the warm-up's one record on " + Topics.WARM_UP);
        assertTrue(warmUps.get(warmUps.size() - 1).value().contains("\"photoId\""),
                "the warm-up sends a process request's JSON: " + warmUps.get(warmUps.size() - 1).value());

        Db db = new Db(dataSource);
        assertEquals(List.of(), db.rows("SELECT id FROM photo WHERE sha256 LIKE ?", LIKE));
        assertEquals(List.of(), db.rows("SELECT path FROM origin WHERE source_id = ?", "upload:warm-up"));
        assertEquals(List.of(), db.rows("SELECT id FROM outbox WHERE payload LIKE ?",
                "%" + StartupWarmUp.SHA256_PREFIX + "%"));
        assertEquals(List.of(), db.rows("SELECT id FROM outbox WHERE payload LIKE ?", "%warm-up/%"));
        for (String topic : List.of(Topics.PROCESS_REQUESTS, Topics.CATALOG)) {
            assertEquals(List.of(), recordsNow(topic, r -> r.value() != null
                    && (r.value().contains("\"" + StartupWarmUp.SHA256_PREFIX) || r.value().contains("warm-up/")))
                    .stream().map(r -> Map.of(r.key(), r.value())).toList(), topic);
        }
    }

    private static boolean ledgers(ConsumerRecord<String, String> record) {
        return "ledger".equals(record.key());
    }
}
