package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessingResult;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reprocess of 20 photos reports honest progress from the first poll to the end and survives a
 * {@code kill -9} of the preprocessor (simulated at the ledger's boundary: it dies holding four
 * requests it never answers) and of the packaged ledger itself, mid-run. Also: the packaged ledger
 * refuses to start without a service token.
 */
class ReprocessSurvivesKillIT {
    private static final String TOKEN = "it-service-token-0123456789";
    private static final int PHOTOS = 20;
    private static final int ANSWERED = 8;
    private static final int HELD = 4;

    @Test
    void theLedgerRefusesToStartWithoutAServiceToken(@TempDir Path dir) throws Exception {
        Map<String, String> env = new HashMap<>(endpoints().env());
        try (PackagedLedger ledger = PackagedLedger.start(dir, "no-token", env)) {
            assertTrue(ledger.awaitExit() != 0);
            assertTrue(ledger.output().contains("IMGBOARD_SERVICE_TOKEN"), ledger.output());
        }
    }

    @Test
    void aReprocessSurvivesKillingThePreprocessorAndTheLedger(@TempDir Path dir) throws Exception {
        Endpoints infra = endpoints();
        Map<String, String> env = new HashMap<>(infra.env());
        env.put("IMGBOARD_SERVICE_TOKEN", TOKEN);
        env.put("IMGBOARD_LEDGER_PROCESSING_STUCK_AFTER", "5s");
        env.put("IMGBOARD_LEDGER_PROCESSING_SWEEP_INTERVAL", "1s");
        String source = "folder:kill-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaProducer<String, String> producer = producer(infra);
             KafkaConsumer<String, String> requests = consumer(infra)) {
            Preprocessor preprocessor = new Preprocessor(producer, requests);
            PackagedLedger first = PackagedLedger.start(dir, "ledger-1", env);
            PackagedLedger second = null;
            try {
                String url = "http://127.0.0.1:" + first.awaitListening();
                Set<UUID> ids = new HashSet<>();
                for (int i = 0; i < PHOTOS; i++) {
                    String sha = Pipeline.newSha256();
                    FileArrived arrived = new FileArrived(UUID.randomUUID(), Instant.now(), source, "p" + i + ".jpg",
                            "p" + i + ".jpg", 10, sha, "image/jpeg", "originals/" + sha.substring(0, 2) + "/" + sha, null);
                    producer.send(new ProducerRecord<>(Topics.FILES, arrived.key(),
                            Pipeline.write(arrived, FileEvent.class))).get();
                }
                await().atMost(Duration.ofMinutes(3)).until(() -> {
                    preprocessor.answer(Integer.MAX_VALUE);
                    return preprocessor.photos.size() >= PHOTOS && get(url, "/api/v1/stats").get("ready").asLong() >= PHOTOS;
                });
                ids.addAll(preprocessor.photos);

                JsonNode started = post(url, "/api/v1/jobs/reprocess", "{\"scope\":\"all\"}", 202);
                assertEquals(PHOTOS, started.get("total").asInt(), "total known at once");
                assertEquals("running", started.get("state").asText());
                List<Integer> progress = new ArrayList<>();
                // some answered; some taken and never answered (the preprocessor dies holding them)
                await().atMost(Duration.ofMinutes(2)).until(() -> {
                    preprocessor.answer(ANSWERED - preprocessor.reprocessed);
                    return preprocessor.reprocessed >= ANSWERED;
                });
                preprocessor.drop(HELD);
                await().atMost(Duration.ofMinutes(1)).until(() -> {
                    JsonNode job = get(url, "/api/v1/jobs/current");
                    progress.add(job.get("done").asInt());
                    assertEquals(PHOTOS, job.get("total").asInt());
                    assertEquals("running", job.get("state").asText());
                    return job.get("done").asInt() == ANSWERED;
                });
                first.kill();

                second = PackagedLedger.start(dir, "ledger-2", env);
                String url2 = "http://127.0.0.1:" + second.awaitListening();
                long listening = System.nanoTime();
                long[] resumedAfter = {-1};
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    preprocessor.answer(Integer.MAX_VALUE);
                    JsonNode job = get(url2, "/api/v1/jobs/current");
                    progress.add(job.get("done").asInt());
                    if (resumedAfter[0] < 0 && job.get("done").asInt() > ANSWERED) {
                        resumedAfter[0] = Duration.ofNanos(System.nanoTime() - listening).toSeconds();
                    }
                    assertEquals(PHOTOS, job.get("total").asInt());
                    if (job.get("done").asInt() < PHOTOS) {
                        assertEquals("running", job.get("state").asText(), "running until every photo has a result");
                    }
                    return "finished".equals(job.get("state").asText());
                });
                JsonNode finished = get(url2, "/api/v1/jobs/current");
                assertEquals(PHOTOS, finished.get("done").asInt());
                assertEquals(0, finished.get("failed").asInt());
                for (int i = 1; i < progress.size(); i++) {
                    assertTrue(progress.get(i) >= progress.get(i - 1), "progress never goes back: " + progress);
                }
                assertEquals(HELD, preprocessor.dropped.size(), "requests lost with the preprocessor");
                // The dead ledger's consumers stay in the group until their session times out, and the new
                // ledger reads no result before: imgboard.kafka.session-timeout-ms, 10 s (telemetry's
                // microprofile-config.properties); with Kafka's default of 45 s the job resumed 37-38 s after
                // the new ledger was listening.
                assertTrue(resumedAfter[0] <= 25, "the restarted ledger read its first result " + resumedAfter[0]
                        + " s after it was listening");
            } finally {
                first.close();
                if (second != null) {
                    second.close();
                }
            }
        }
    }

    /** Answers ProcessRequested records with PhotoProcessed, like the preprocessor; can "die" holding some. */
    private static final class Preprocessor {
        final KafkaProducer<String, String> producer;
        final KafkaConsumer<String, String> requests;
        final Set<UUID> photos = new HashSet<>();
        final Set<UUID> answered = new HashSet<>();
        final Set<UUID> dropped = new HashSet<>();
        final List<ConsumerRecord<String, String>> pending = new ArrayList<>();
        int reprocessed;

        Preprocessor(KafkaProducer<String, String> producer, KafkaConsumer<String, String> requests) {
            this.producer = producer;
            this.requests = requests;
        }

        void answer(int max) throws Exception {
            take();
            int done = 0;
            while (!pending.isEmpty() && done < max) {
                JsonNode request = Pipeline.read(pending.remove(0).value());
                UUID requestId = UUID.fromString(request.get("eventId").asText());
                UUID photoId = UUID.fromString(request.get("photoId").asText());
                if (!answered.add(requestId)) {
                    continue;
                }
                boolean reprocess = "REPROCESS".equals(request.get("reason").asText());
                PhotoProcessed result = new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId,
                        List.of(new Rendition("display", "renditions/" + photoId + "/display.webp", 800, 600, 100)),
                        800, 600, "jpeg", null, Pipeline.randomPhash(), null);
                producer.send(new ProducerRecord<>(Topics.PROCESSING_RESULTS, photoId.toString(),
                        Pipeline.write(result, ProcessingResult.class))).get();
                photos.add(photoId);
                if (reprocess) {
                    reprocessed++;
                }
                done++;
            }
        }

        /**
         * Polls, and commits as the preprocessors' group: what it took counts as read (the ledger asks
         * again for an unanswered request only once the preprocessors have read every request).
         */
        private void take() {
            requests.poll(Duration.ofMillis(300)).forEach(pending::add);
            requests.commitSync();
        }

        /** Takes the next requests and never answers them. */
        void drop(int count) {
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                take();
                while (!pending.isEmpty() && dropped.size() < count) {
                    JsonNode request = Pipeline.read(pending.remove(0).value());
                    UUID requestId = UUID.fromString(request.get("eventId").asText());
                    if (answered.add(requestId)) {
                        dropped.add(requestId);
                    }
                }
                return dropped.size() >= count;
            });
        }
    }

    private static Endpoints endpoints() {
        return LocalInfraResource.shared().endpoints().withDatabase("ledger");
    }

    private static JsonNode get(String base, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Pipeline.read(response.body());
    }

    private static JsonNode post(String base, String path, String body, int status) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        return Pipeline.read(response.body());
    }

    private static KafkaProducer<String, String> producer(Endpoints infra) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(Endpoints infra) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "imgboard-preprocessor",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        await().atMost(Duration.ofMinutes(1)).until(() -> !consumer.partitionsFor(Topics.PROCESS_REQUESTS).isEmpty());
        consumer.partitionsFor(Topics.PROCESS_REQUESTS).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
