package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.imgboard.infra.Layout;
import io.imgboard.infra.ManagedProcess;
import io.imgboard.infra.Ports;
import io.imgboard.infra.S3Server;
import io.imgboard.infra.StateDir;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
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
import java.util.concurrent.TimeUnit;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photoById;
import static io.imgboard.ledger.Pipeline.read;
import static io.imgboard.ledger.Pipeline.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outage: the S3 server is gone for 30 s right after five photos were stored. The
 * preprocessor is simulated at the ledger's real boundary: it answers each ProcessRequested by
 * writing a rendition to a real s3proxy (its own, so this test can stop and start it), with a
 * ProcessingFailed (permanent=false) while that fails and a PhotoProcessed once it works. Every photo
 * must end READY and none FAILED.
 */
@QuarkusTest
class S3OutageTest {

    @Test
    void anS3OutageOfThirtySecondsEndsWithEveryPhotoReady() throws Exception {
        Path stateRoot = Files.createTempDirectory("ledger-s3-outage");
        StateDir state = new StateDir(stateRoot);
        int port = Ports.free();
        String secret = "outage-secret-" + UUID.randomUUID();
        ManagedProcess s3 = S3Server.start(Layout.find(), state, port, secret, List.of("imgboard-renditions"));
        ManagedProcess[] running = {null};
        try (KafkaConsumer<String, String> requests = requestsConsumer()) {
            S3Server.await(s3, port, Duration.ofSeconds(60));
            MinioClient client = MinioClient.builder().endpoint(S3Server.endpoint(port))
                    .credentials(S3Server.ACCESS_KEY, secret).region("us-east-1").build();
            client.setTimeout(TimeUnit.SECONDS.toMillis(2), TimeUnit.SECONDS.toMillis(5), TimeUnit.SECONDS.toMillis(5));
            try {
                client.makeBucket(MakeBucketArgs.builder().bucket("imgboard-renditions").build());
            } catch (io.minio.errors.ErrorResponseException exists) {
                // made by the folder layout already
            }

            Set<UUID> ids = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                String sha = newSha256();
                send(arrived("folder:nas", "outage-" + sha.substring(0, 6) + ".jpg", sha));
                ids.add(UUID.fromString(awaitPhoto(sha).get("photoId").asText()));
            }
            // right after the five were stored, S3 goes away for 30 s
            s3.stop(Duration.ofSeconds(10));
            Instant back = Instant.now().plusSeconds(30);
            Map<UUID, Integer> failures = new HashMap<>();
            Set<UUID> answered = new HashSet<>();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (running[0] == null && Instant.now().isAfter(back)) {
                    running[0] = S3Server.start(Layout.find(), state, port, secret, List.of("imgboard-renditions"));
                    S3Server.await(running[0], port, Duration.ofSeconds(60));
                }
                for (ConsumerRecord<String, String> record : requests.poll(Duration.ofMillis(200))) {
                    JsonNode request = read(record.value());
                    if (!request.hasNonNull("photoId") || !request.hasNonNull("eventId")) {
                        continue; // another test's raw outbox rows
                    }
                    UUID photoId = UUID.fromString(request.get("photoId").asText());
                    UUID requestId = UUID.fromString(request.get("eventId").asText());
                    if (!ids.contains(photoId) || !answered.add(requestId)) {
                        continue;
                    }
                    answer(client, photoId, requestId, failures);
                }
                return ids.stream().allMatch(id -> "READY".equals(photoById(id).get("status").asText()));
            });
            assertTrue(failures.values().stream().mapToInt(Integer::intValue).sum() >= 5,
                    "the outage was real: " + failures);
            for (UUID id : ids) {
                JsonNode photo = photoById(id);
                assertEquals("READY", photo.get("status").asText());
                assertTrue(photo.get("failureReason").isNull());
            }
        } finally {
            s3.stop(Duration.ofSeconds(10));
            if (running[0] != null) {
                running[0].stop(Duration.ofSeconds(10));
            }
            FileUtils.deleteQuietly(stateRoot.toFile());
        }
    }

    /** What the preprocessor does: store the rendition, then report; a failed store is a temporary failure. */
    private static void answer(MinioClient client, UUID photoId, UUID requestId, Map<UUID, Integer> failures) {
        String key = "renditions/" + photoId + "/display.webp";
        byte[] bytes = "webp".getBytes();
        try {
            client.putObject(PutObjectArgs.builder().bucket("imgboard-renditions").object(key)
                    .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        } catch (Exception e) {
            failures.merge(photoId, 1, Integer::sum);
            send(new ProcessingFailed(UUID.randomUUID(), Instant.now(), photoId, requestId,
                    "S3 unavailable after retries: " + e.getClass().getSimpleName(), false));
            return;
        }
        send(new PhotoProcessed(UUID.randomUUID(), Instant.now(), photoId, requestId,
                List.of(new Rendition("display", key, 800, 600, bytes.length)), 800, 600, "jpeg", null,
                Pipeline.randomPhash(), null));
    }

    private static KafkaConsumer<String, String> requestsConsumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topics.PROCESS_REQUESTS).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
