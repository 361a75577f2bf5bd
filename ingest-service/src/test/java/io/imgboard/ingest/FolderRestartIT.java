package io.imgboard.ingest;

import io.imgboard.events.FileArrived;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restart in the middle of a scan: the packaged service, with a folder source from
 * {@code IMGBOARD_SOURCES}, is stopped while it is taking a folder of files and started again. Every
 * file ends announced; files taken before the stop are not read or announced again (at most the one
 * in flight at the stop).
 */
class FolderRestartIT {
    private static final int FILES = 240;

    @Test
    void aRestartMidScanFinishesTheFolderWithoutTakingFilesTwice(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("photos"));
        for (int i = 0; i < FILES; i++) {
            Path sub = Files.createDirectories(folder.resolve(String.format("%03d", i % 12)));
            Files.write(sub.resolve(String.format("IMG_%04d.JPG", i)), TestImages.jpeg(90_000 + i));
        }
        String id = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        String sourceId = "folder:" + id;
        Endpoints real = LocalInfraResource.shared().endpoints().withDatabase("ingest");
        Map<String, String> env = Map.of(
                "IMGBOARD_UPLOAD_TOKEN", "it-upload-token-0123456789",
                "IMGBOARD_ADMIN_TOKEN", "it-admin-token-0123456789",
                "IMGBOARD_SOURCES", id + "=" + folder,
                "KAFKA_BOOTSTRAP_SERVERS", real.kafkaBootstrap(),
                "IMGBOARD_S3_ENDPOINT", real.s3Endpoint(),
                "IMGBOARD_S3_ACCESS_KEY", real.s3AccessKey(),
                "IMGBOARD_S3_SECRET_KEY", real.s3SecretKey(),
                "QUARKUS_DATASOURCE_JDBC_URL", real.jdbcUrl(),
                "QUARKUS_DATASOURCE_USERNAME", real.dbUser(),
                "QUARKUS_DATASOURCE_PASSWORD", real.dbPassword());
        Map<String, String> fast = Map.of("imgboard.sources." + id + ".stable-seconds", "0",
                "imgboard.sources." + id + ".poll-seconds", "1");

        try (FilesTopic events = new FilesTopic()) {
            Path first = Files.createDirectories(dir.resolve("first"));
            try (PackagedService service = PackagedService.start(first, env, fast)) {
                listening(service);
                await().atMost(Duration.ofSeconds(120)).until(() -> events.of(sourceId, FileArrived.class).size() >= 10);
            } // stopped mid-scan
            Map<String, Long> before = counts(events.of(sourceId, FileArrived.class));
            assertTrue(before.size() < FILES, "the stop came too late to be mid-scan: " + before.size());

            Path second = Files.createDirectories(dir.resolve("second"));
            try (PackagedService service = PackagedService.start(second, env, fast)) {
                int port = listening(service);
                await().atMost(Duration.ofSeconds(180))
                        .until(() -> counts(events.of(sourceId, FileArrived.class)).size() == FILES);
                // a source from the configuration cannot be deleted through the API: it would come back at the next start
                var delete = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port
                        + "/api/v1/sources/" + id)).header("Authorization", "Bearer it-admin-token-0123456789").DELETE().build();
                var answer = java.net.http.HttpClient.newHttpClient().send(delete, java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(409, answer.statusCode(), answer.body());
                assertTrue(answer.body().contains("is set in the configuration"), answer.body());
            }
            List<FileArrived> all = events.of(sourceId, FileArrived.class);
            Map<String, Long> after = counts(all);
            Set<String> againAfterRestart = before.keySet().stream().filter(p -> after.get(p) > before.get(p))
                    .collect(Collectors.toSet());
            assertTrue(againAfterRestart.size() <= 1, "files taken before the restart were taken again: " + againAfterRestart);
            assertTrue(all.size() <= FILES + 1, "announced " + all.size() + " times for " + FILES + " files");
            assertEquals(FILES, all.stream().map(FileArrived::sha256).distinct().count());
        }
    }

    private static int listening(PackagedService service) {
        try {
            return service.awaitListening();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the service did not start listening: " + service.output(), e);
        }
    }

    private static Map<String, Long> counts(List<FileArrived> arrivals) {
        return arrivals.stream().collect(Collectors.groupingBy(FileArrived::path, Collectors.counting()));
    }
}
