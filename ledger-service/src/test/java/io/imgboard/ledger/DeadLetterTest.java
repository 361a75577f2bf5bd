package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

    /**
     * A poison record that is the last on its partition is committed once it is dead-lettered: no lag
     * of 1 stays on the ops page until some good record happens to follow it.
     */
    @Test
    void aPoisonRecordLastOnItsPartitionIsCommitted() {
        String key = "upload:phone-anna:last-poison-" + UUID.randomUUID();
        var sent = send(Topics.FILES, key, "the last record, not JSON {");
        awaitRecords(Topics.DEAD_LETTER, 1, keyed(key));
        Pipeline.awaitConsumed(sent);
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

    @Test
    void aResultWithANullRenditionIsDeadLetteredStoredAndTheNextResultFlows() {
        String sha = newSha256();
        send(arrived("folder:nas", "nullr-" + sha.substring(0, 6) + ".jpg", sha));
        UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
        UUID request = Pipeline.latestRequestId(id);
        String poison = "{\"type\":\"PhotoProcessed\",\"eventId\":\"" + UUID.randomUUID() + "\",\"photoId\":\"" + id
                + "\",\"requestId\":\"" + request + "\",\"renditions\":[null],\"width\":800,\"height\":600}";
        send(Topics.PROCESSING_RESULTS, id.toString(), poison);
        Pipeline.processed(id, 800, 600, null, Pipeline.randomPhash());

        ConsumerRecord<String, String> dead = awaitRecords(Topics.DEAD_LETTER, 1, keyed(id)).get(0);
        assertTrue(header(dead, "dead-letter-reason").contains("renditions[0]"), header(dead, "dead-letter-reason"));
        await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(Pipeline.photo(sha).get("status").asText()));
        await().atMost(Pipeline.TIMEOUT).until(() -> storedDeadLetter(id.toString()) != null);
        assertEquals(Topics.PROCESSING_RESULTS, storedDeadLetter(id.toString()).get("topic").asText());
    }

    @Test
    void aFileWithANulInItsNameIsDeadLetteredAndCanBeReplayed() {
        String key = "folder:nas:nul-" + UUID.randomUUID();
        String sha = newSha256();
        FileArrived nul = new FileArrived(UUID.randomUUID(), Instant.now(), "folder:nas", "nul.jpg", "bad\u0000name.jpg",
                1, sha, "image/jpeg", "originals/" + sha.substring(0, 2) + "/" + sha, null);
        send(Topics.FILES, key, Pipeline.write(nul, io.imgboard.events.FileEvent.class));
        String next = newSha256();
        send(Topics.FILES, key, Pipeline.write(arrived("folder:nas", "after-nul.jpg", next), io.imgboard.events.FileEvent.class));

        ConsumerRecord<String, String> dead = awaitRecords(Topics.DEAD_LETTER, 1, keyed(key)).get(0);
        assertTrue(header(dead, "dead-letter-reason").contains("U+0000"), header(dead, "dead-letter-reason"));
        awaitPhoto(next);
        given().get("/api/v1/photos/by-sha256/{sha}", sha).then().statusCode(404);

        await().atMost(Pipeline.TIMEOUT).until(() -> storedDeadLetter(key) != null);
        JsonNode stored = storedDeadLetter(key);
        Pipeline.asService().post("/api/v1/dead-letters/{id}/replay", stored.get("id").asLong()).then().statusCode(200);
        given().post("/api/v1/dead-letters/{id}/replay", stored.get("id").asLong()).then().statusCode(401);
        // replayed to imgboard.files under its key: the ledger refuses it again, so it is dead-lettered again
        awaitRecords(Topics.DEAD_LETTER, 2, keyed(key));
        long replayed = stored.get("id").asLong();
        JsonNode all = Pipeline.read(given().get("/api/v1/dead-letters?limit=500").then().extract().asString());
        boolean marked = false;
        for (JsonNode letter : all) {
            marked |= letter.get("id").asLong() == replayed && !letter.get("replayedAt").isNull();
        }
        assertTrue(marked, "the replayed dead letter says when");
    }

    /**
     * A poison record's offset was seen uncommitted until a later record on its partition was acknowledged, so a
     * restart or a rebalance before that hands it to the consumer again, which dead-letters it again: one record,
     * two records on imgboard.dead-letter. The ops page must list it once.
     */
    @Test
    void aPoisonRecordDeadLetteredTwiceIsStoredOnce() {
        String key = "folder:nas:twice-" + UUID.randomUUID();
        long offset = java.util.concurrent.ThreadLocalRandom.current().nextLong(1_000_000, 2_000_000);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(java.util.Map.of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.bootstrap()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (long at : new long[] {offset, offset, offset + 1}) {
                var record = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.DEAD_LETTER, key, "not JSON {");
                record.headers().add("dead-letter-topic", Topics.FILES.getBytes(StandardCharsets.UTF_8));
                record.headers().add("dead-letter-partition", "0".getBytes(StandardCharsets.UTF_8));
                record.headers().add("dead-letter-offset", Long.toString(at).getBytes(StandardCharsets.UTF_8));
                record.headers().add("dead-letter-reason", "unreadable".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // the third comes last on the dead-letter topic's one partition: once it is stored, so is all before it
        await().atMost(Pipeline.TIMEOUT).until(() -> storedOffsets(key).contains(offset + 1));
        assertEquals(java.util.List.of(offset + 1, offset), storedOffsets(key),
                "one dead letter per poison record, however often it was dead-lettered");
    }

    /** The original offsets of the stored dead letters with this key, newest first. */
    private static java.util.List<Long> storedOffsets(String key) {
        java.util.List<Long> offsets = new java.util.ArrayList<>();
        for (JsonNode letter : Pipeline.read(given().get("/api/v1/dead-letters?limit=500").then().statusCode(200).extract().asString())) {
            if (key.equals(letter.path("key").asText(null))) {
                offsets.add(letter.get("offset").asLong());
            }
        }
        return offsets;
    }

    private static JsonNode storedDeadLetter(String key) {
        JsonNode all = Pipeline.read(given().get("/api/v1/dead-letters?limit=500").then().statusCode(200).extract().asString());
        for (JsonNode letter : all) {
            if (key.equals(letter.path("key").asText(null))) {
                return letter;
            }
        }
        return null;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
