package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.Topics;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.Endpoints.Ports3;
import io.imgboard.infra.KafkaServer;
import io.imgboard.infra.Layout;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.StateDir;
import io.imgboard.infra.testing.SseClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scale-out on one machine, as {@code ./imgboard up --scale preprocessor=2 --scale display=2} runs it:
 * two preprocessors in one consumer group share process-requests' partitions, each photo is
 * processed exactly once, and a frame on each display sees every photo.
 */
class ScaleOutIT {
    private static final Credentials CREDENTIALS = Credentials.random();
    private static final int PHOTOS = 12;

    private static Path home;
    /** JUnit deletes it after the class. */
    @TempDir
    static Path photos;
    private static LocalSystem system;

    @BeforeAll
    static void startTwoOfEach() throws Exception {
        home = Files.createTempDirectory("imgboard-scale-");
        system = LocalSystem.startThrowaway(Layout.find(), new StateDir(home), Ports3.free(),
                LocalSystem.freeInstancePorts(Map.of("preprocessor-service", 2, "display-service", 2)), CREDENTIALS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void twoPreprocessorsShareTheWorkAndEachDisplaySeesEveryPhoto() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                system.endpoints().kafkaBootstrap()))) {
            int partitions = admin.describeTopics(List.of(Topics.PROCESS_REQUESTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.PROCESS_REQUESTS).partitions().size();
            assertEquals(KafkaServer.PROCESS_REQUEST_PARTITIONS, partitions);
            // Both preprocessors are members of the one group, each with partitions of its own.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                var group = admin.describeConsumerGroups(List.of("imgboard-preprocessor")).all().get(30, TimeUnit.SECONDS)
                        .get("imgboard-preprocessor");
                var owners = group.members().stream().filter(m -> m.assignment().topicPartitions().stream()
                        .anyMatch(tp -> tp.topic().equals(Topics.PROCESS_REQUESTS))).toList();
                assertEquals(2, owners.size(), "members owning process-requests partitions: " + group.members());
            });
        }

        try (SseClient first = new SseClient(java.net.URI.create(system.url("display-service") + "/api/v1/events"));
             SseClient second = new SseClient(java.net.URI.create(system.url("display-service-2") + "/api/v1/events"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !first.events("page").isEmpty()
                    && !second.events("page").isEmpty());

            Map<String, String> shaToName = new HashMap<>();
            for (int i = 0; i < PHOTOS; i++) {
                Path photo = distinctPhoto(i);
                Http.Response upload = Http.upload(system.url("ingest-service") + "/api/v1/uploads", CREDENTIALS.upload(), photo);
                assertEquals(201, upload.status(), upload.text());
                shaToName.put(sha256(photo), photo.getFileName().toString());
            }
            Map<String, String> photoIds = new HashMap<>(); // sha → photo id
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (String sha : shaToName.keySet()) {
                    if (!photoIds.containsKey(sha)) {
                        Http.Response known = Http.get(system.url("ledger-service") + "/api/v1/photos/by-sha256/" + sha);
                        if (known.status() == 200) {
                            photoIds.put(sha, known.json().get("photoId").asText());
                        }
                    }
                }
                assertEquals(PHOTOS, photoIds.size(), "photos the ledger knows");
                for (SseClient frame : List.of(first, second)) {
                    for (String id : photoIds.values()) {
                        assertTrue(frame.events("add").stream().anyMatch(e -> e.data().contains(id)),
                                "a frame has not seen " + id);
                    }
                }
            });

            // Nothing processed twice: exactly one complete PhotoProcessed per photo on the results topic,
            // and at most one early one (the display rendition first, on by default).
            Map<String, Integer> processed = processedCounts();
            for (String id : photoIds.values()) {
                assertEquals(1, processed.getOrDefault(id, 0), "complete PhotoProcessed records for " + id);
                assertTrue(processed.getOrDefault(id + EARLY, 0) <= 1, "early PhotoProcessed records for " + id + ": "
                        + processed.get(id + EARLY));
            }
            // And both did some of it: each instance's log names the originals it processed.
            List<Set<String>> byInstance = new ArrayList<>();
            for (String instance : List.of("preprocessor-service", "preprocessor-service-2")) {
                String log = Files.readString(home.resolve("logs").resolve(instance + ".log"));
                byInstance.add(shaToName.keySet().stream().filter(sha -> log.contains("processed originals/"
                        + sha.substring(0, 2) + "/" + sha)).collect(Collectors.toSet()));
            }
            assertTrue(!byInstance.get(0).isEmpty() && !byInstance.get(1).isEmpty(),
                    "one preprocessor did all the work: " + byInstance.get(0).size() + " / " + byInstance.get(1).size());
            assertTrue(byInstance.get(0).stream().noneMatch(byInstance.get(1)::contains), "a photo was processed by both");
            assertEquals(PHOTOS, byInstance.get(0).size() + byInstance.get(1).size(), "photos processed, by the logs");
        }
    }

    /** A small JPEG whose bytes no other photo of this test has. */
    private static Path distinctPhoto(int i) throws Exception {
        BufferedImage image = new BufferedImage(1200, 900, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        Random random = new Random(1000 + i);
        g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
        g.fillRect(0, 0, 1200, 900);
        for (int k = 0; k < 30; k++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.fillOval(random.nextInt(1100), random.nextInt(800), 20 + random.nextInt(200), 20 + random.nextInt(200));
        }
        g.dispose();
        Path file = photos.resolve("scale-" + i + ".jpg");
        Files.write(file, Photos.jpeg(image, 0.9f));
        return file;
    }

    /** Marks an early result's count in {@link #processedCounts()}: photo id + this. */
    private static final String EARLY = " early";

    private static Map<String, Integer> processedCounts() throws Exception {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.endpoints().kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PROCESSING_RESULTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "could not read the results topic to its end");
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    JsonNode event = Http.JSON.readTree(record.value());
                    if ("PhotoProcessed".equals(event.path("type").asText())) {
                        // an early answer (its pending names renditions still to come) counts apart
                        boolean early = event.path("pending").isArray() && !event.path("pending").isEmpty();
                        counts.merge(event.get("photoId").asText() + (early ? EARLY : ""), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
