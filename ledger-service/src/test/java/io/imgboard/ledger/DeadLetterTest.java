package io.imgboard.ledger;

import io.imgboard.events.FileArrived;
import io.imgboard.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.awaitRecords;
import static io.imgboard.ledger.Pipeline.keyed;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Poison records go to imgboard.dead-letter and never stall their partition. */
@QuarkusTest
class DeadLetterTest {

    @Test
    void aRecordThatIsNotJsonIsDeadLetteredAndTheNextRecordStillHandled() {
        String key = "upload:phone-anna:poison-" + UUID.randomUUID();
        String poison = "this is not JSON {";
        send(Topics.FILES, key, poison);
        String sha = newSha256();
        // the same key, so the same partition: it can only be handled if the poison did not stall it
        FileArrived good = arrived("upload:phone-anna", "after-poison.jpg", sha);
        send(Topics.FILES, key, Pipeline.write(good, io.imgboard.events.FileEvent.class));

        ConsumerRecord<String, String> dead = awaitRecords(Topics.DEAD_LETTER, 1, keyed(key)).get(0);
        assertEquals(poison, dead.value(), "the original bytes, for a person to look at");
        assertEquals(Topics.FILES, header(dead, "dead-letter-topic"));
        assertEquals("PENDING", awaitPhoto(sha).get("status").asText());
    }

    @Test
    void anEventThatBreaksTheContractIsDeadLettered() {
        String key = "folder:nas:bad-sha-" + UUID.randomUUID();
        FileArrived invalid = new FileArrived(UUID.randomUUID(), Instant.now(), "folder:nas", "bad.jpg", "bad.jpg", 1,
                "not-a-sha256", "image/jpeg", "originals/no/such", null);
        send(Topics.FILES, key, Pipeline.write(invalid, io.imgboard.events.FileEvent.class));

        ConsumerRecord<String, String> dead = awaitRecords(Topics.DEAD_LETTER, 1, keyed(key)).get(0);
        assertEquals(invalid.eventId().toString(), Pipeline.read(dead.value()).get("eventId").asText());
        assertEquals("FileArrived", Pipeline.read(dead.value()).get("type").asText(), "written back in the contract's form");
    }

    @Test
    void anUnreadableProcessingResultIsDeadLettered() {
        String key = UUID.randomUUID().toString();
        send(Topics.PROCESSING_RESULTS, key, "{\"type\":\"NoSuchResult\",\"photoId\":\"" + key + "\"}");

        ConsumerRecord<String, String> dead = awaitRecords(Topics.DEAD_LETTER, 1, keyed(key)).get(0);
        assertEquals(Topics.PROCESSING_RESULTS, header(dead, "dead-letter-topic"));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
