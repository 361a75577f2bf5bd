package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.Topics;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.LocalSystem;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ops routes on the whole system: a poison record on {@code imgboard.files} becomes a dead letter in
 * the real ledger and shows on the display's {@code /api/v1/ops/dead-letters} with its error, and
 * replays through it; the ledger's consumer group is on {@code /api/v1/ops/lag}, labelled;
 * one uploaded photo shows in the throughput as an upload and a processed photo, read from the real
 * services' {@code /q/metrics}; every service says its version.
 */
@ExtendWith(SharedSystem.class)
class OpsIT {
    private static final Credentials CREDENTIALS = SharedSystem.CREDENTIALS;
    private static final Duration PIPELINE = Duration.ofSeconds(180);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path photos;
    private static LocalSystem system;

    @BeforeAll
    static void startEverything() throws Exception {
        system = SharedSystem.system(); // shared with the other classes of this JVM: see SharedSystem
    }


    private static HttpResponse<String> ops(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(system.url("display-service") + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + CREDENTIALS.admin())
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode opsJson(String path) throws Exception {
        HttpResponse<String> response = ops("GET", path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return Http.JSON.readTree(response.body());
    }

    @Test
    void aPoisonRecordIsADeadLetterOnTheOpsRoutesAndReplays() throws Exception {
        String marker = "ops-it-poison-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.endpoints().kafkaBootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.FILES, marker, "{not json " + marker)).get(30, TimeUnit.SECONDS);
        }
        JsonNode letter = await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            for (JsonNode d : opsJson("/api/v1/ops/dead-letters")) {
                if (marker.equals(d.path("key").asText()) && d.path("replayedAt").isNull()) {
                    return d;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
        assertEquals(Topics.FILES, letter.path("topic").asText());
        assertFalse(letter.path("reason").asText().isBlank(), "the dead letter says why: " + letter);

        HttpResponse<String> replay = ops("POST", "/api/v1/ops/dead-letters/" + letter.path("id").asLong() + "/replay");
        assertEquals(200, replay.statusCode(), replay.body());
        assertFalse(Http.JSON.readTree(replay.body()).path("replayedAt").isNull(), replay.body());
        assertEquals(404, ops("POST", "/api/v1/ops/dead-letters/999999999/replay").statusCode());

        // The ledger's consumer group is on the lag route, labelled, with the poison and its replay counted.
        await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            JsonNode files = null;
            for (JsonNode row : opsJson("/api/v1/ops/lag").path("groups")) {
                if ("imgboard-ledger".equals(row.path("group").asText()) && Topics.FILES.equals(row.path("topic").asText())) {
                    files = row;
                }
            }
            assertNotNull(files, "the ledger's group on " + Topics.FILES);
            assertEquals("ledger", files.path("label").asText());
            assertTrue(files.path("endOffsets").asLong() >= 2, files.toString());
        });
    }

    @Test
    void anUploadedPhotoIsCountedOnThePlotFromTheServicesCounters() throws Exception {
        // The display's first read of each service is its baseline: wait for it before the photo arrives.
        await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            JsonNode t = opsJson("/api/v1/ops/throughput");
            for (JsonNode read : t.path("scrapes")) {
                assertTrue(read.path("ok").asBoolean(), read.toString());
            }
        });
        Path photo = Photos.iphonePortrait(photos, "ops-it.jpg", 7702);
        Http.Response upload = Http.upload(system.url("ingest-service") + "/api/v1/uploads", CREDENTIALS.upload(), photo);
        assertEquals(201, upload.status(), upload.text());
        await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
            JsonNode t = opsJson("/api/v1/ops/throughput");
            assertTrue(t.path("lastHour").path(0).asDouble() >= 1, "uploads: " + t.path("lastHour"));
            assertTrue(t.path("lastHour").path(2).asDouble() >= 1, "processed: " + t.path("lastHour"));
        });
        // what the ops page counts: the photos on the frames apart from the hidden, retired and deleted ones.
        // Read as the page reads them, again a few seconds later when a neighbour was slow to answer (502).
        await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
            JsonNode stats = opsJson("/api/v1/ops/stats");
            for (String count : List.of("shown", "hidden", "retired", "deleted", "twins")) {
                assertTrue(stats.path(count).isNumber(), count + " in " + stats);
            }
            assertTrue(stats.path("shown").asLong() >= 1 && stats.path("shown").asLong() <= stats.path("ready").asLong(), stats.toString());
            JsonNode services = opsJson("/api/v1/ops/services");
            for (JsonNode service : services.path("services")) {
                assertFalse(service.path("version").isNull(), "version of " + service);
            }
        });
    }

    /** A file a WebDAV client pushed that is not a photo is kept for the client, and listed where operators look. */
    @Test
    void aFileThatIsNotAPhotoIsListedAsSkippedWithItsReason() throws Exception {
        String name = "notes-" + UUID.randomUUID().toString().substring(0, 8) + ".txt";
        String basic = java.util.Base64.getEncoder().encodeToString(("ops-it:" + CREDENTIALS.upload())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> put = CLIENT.send(HttpRequest.newBuilder(URI.create(system.url("ingest-service") + "/dav/" + name))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Basic " + basic)
                .PUT(HttpRequest.BodyPublishers.ofString("a shopping list, not a photo")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        JsonNode file = await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            for (JsonNode f : opsJson("/api/v1/ops/skipped").path("files")) {
                if (name.equals(f.path("name").asText())) {
                    return f;
                }
            }
            return null;
        }, f -> f != null);
        assertEquals("dav:upload", file.path("sourceId").asText(), file.toString());
        assertEquals(28, file.path("size").asLong(), file.toString());
        assertFalse(file.path("reason").asText().isBlank(), file.toString());
    }

    @Test
    void theOpsPageShowsThePreprocessorsLibvipsCheckFromTheRealService() throws Exception {
        // The preprocessor's libvips check, as the ops page lists it: the version loaded and no warning, for
        // the build this run named (IMGBOARD_LIBVIPS) loads; a build that fell back to Debian's would say so here.
        await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            JsonNode libvips = null;
            for (JsonNode service : opsJson("/api/v1/ops/health").path("services")) {
                for (JsonNode check : service.path("checks")) {
                    if (service.path("name").asText().equals("preprocessor") && check.path("name").asText().equals("libvips")) {
                        libvips = check;
                    }
                }
            }
            assertNotNull(libvips, "the preprocessor's libvips check on the ops page");
            assertEquals("UP", libvips.path("status").asText(), libvips.toString());
            assertTrue(libvips.path("data").path("version").asText().matches("8\\.\\d+\\.\\d+"), libvips.toString());
            assertTrue(libvips.path("data").path("warning").isMissingNode(), "no fallback to Debian's libvips: " + libvips);
        });
    }
}
