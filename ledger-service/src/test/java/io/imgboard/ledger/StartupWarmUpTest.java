package io.imgboard.ledger;

import io.imgboard.events.Topics;
import io.imgboard.ledger.messaging.StartupWarmUp;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
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
 * the topics the outbox sends to. (It also ran when this test's application started.)
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
        assertTrue(warmUp.warmUp(), "every step of the warm-up should succeed against the real servers");

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
}
