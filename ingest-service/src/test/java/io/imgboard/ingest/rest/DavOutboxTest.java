package io.imgboard.ingest.rest;

import io.imgboard.events.FileEvent;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.Topics;
import io.imgboard.infra.KafkaServer;
import io.imgboard.infra.Layout;
import io.imgboard.infra.ManagedProcess;
import io.imgboard.infra.Ports;
import io.imgboard.infra.StateDir;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.ingest.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebDAV DELETE while Kafka is down: the namespace changes at once (204), the FileRemoved waits in
 * ingest's outbox, and reaches {@code imgboard.files} once the broker is back. The file events go to
 * a broker of this test's own (a real one, killed and started again on the same ports and data), so
 * the shared broker of the other tests is never touched.
 */
@QuarkusTest
@TestProfile(DavOutboxTest.OwnBroker.class)
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
class DavOutboxTest {
    private static final String PREFIX = "davoutboxtest.";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The profile starts the broker; its coordinates go through system properties (profiles and tests load apart). */
    public static class OwnBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            if (System.getProperty(PREFIX + "port") == null) {
                try {
                    Path dir = Files.createTempDirectory("imgboard-outbox-kafka-");
                    int port = Ports.free();
                    int controller = Ports.free();
                    System.setProperty(PREFIX + "dir", dir.toString());
                    System.setProperty(PREFIX + "port", Integer.toString(port));
                    System.setProperty(PREFIX + "controller", Integer.toString(controller));
                    startBroker();
                    Runtime.getRuntime().addShutdownHook(new Thread(DavOutboxTest::stopBroker, "stop-outbox-test-kafka"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            String out = "mp.messaging.outgoing.files-out.";
            return Map.of(out + "bootstrap.servers", bootstrap(),
                    out + "max.block.ms", "1500", out + "request.timeout.ms", "1500", out + "delivery.timeout.ms", "3000",
                    "imgboard.outbox.relay-every", "1s");
        }
    }

    static String bootstrap() {
        return "127.0.0.1:" + System.getProperty(PREFIX + "port");
    }

    static void startBroker() {
        StateDir state = new StateDir(Path.of(System.getProperty(PREFIX + "dir")));
        ManagedProcess kafka = KafkaServer.start(Layout.find(), state, Integer.parseInt(System.getProperty(PREFIX + "port")),
                Integer.parseInt(System.getProperty(PREFIX + "controller")));
        System.setProperty(PREFIX + "pid", Long.toString(kafka.pid()));
        KafkaServer.awaitAndCreateTopics(kafka, bootstrap(), Topics.ALL, Duration.ofSeconds(90));
    }

    static void killBroker() {
        ProcessHandle.of(Long.parseLong(System.getProperty(PREFIX + "pid"))).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> Ports.isFree(Integer.parseInt(System.getProperty(PREFIX + "port"))));
    }

    @AfterAll
    /** At the JVM's end: the broker is stopped and its folder goes with it. */
    static void stopBroker() {
        String pid = System.getProperty(PREFIX + "pid");
        if (pid != null) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
        FileUtils.deleteQuietly(Path.of(System.getProperty(PREFIX + "dir")).toFile());
    }

    @Inject
    DataSource dataSource;
    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;
    @ConfigProperty(name = "imgboard.upload.token")
    String uploadToken;

    /**
     * And a new file PUT to the same path meanwhile is told to come back: announced at once, its arrival
     * would reach the ledger before the delete and be retired by it. Once the delete is out, it is taken,
     * and the path's events are in the order they happened.
     */
    @Test
    void aDeleteWhileKafkaIsDownIsAnnouncedOnceKafkaIsBackAndAPutBehindItWaits() throws Exception {
        String name = "outbox-" + UUID.randomUUID() + ".jpg";
        byte[] jpeg = TestImages.jpeg(91_001);
        assertEquals(201, dav("PUT", "/dav/" + name, jpeg).statusCode());
        List<String> events = new ArrayList<>();
        try (KafkaConsumer<String, String> files = consumer()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                files.poll(Duration.ofMillis(500)).forEach(r -> events.add(r.value()));
                return events.stream().anyMatch(e -> e.contains("FileArrived") && e.contains(name));
            });
        }

        killBroker();
        HttpResponse<String> delete = dav("DELETE", "/dav/" + name, null);
        assertEquals(204, delete.statusCode(), delete.body());
        assertEquals(404, dav("PROPFIND", "/dav/" + name, null, "Depth", "0").statusCode(), "the namespace changed at once");
        assertEquals(1, waiting(name), "the FileRemoved waits in the outbox");
        HttpResponse<String> held = dav("PUT", "/dav/" + name, TestImages.jpeg(91_002));
        assertEquals(503, held.statusCode(), held.body());
        assertTrue(held.body().contains("an earlier delete or move of this path has not been announced yet"), held.body());
        assertEquals("5", held.headers().firstValue("Retry-After").orElse(null));
        assertEquals(404, dav("PROPFIND", "/dav/" + name, null, "Depth", "0").statusCode(), "nothing was stored");

        startBroker();
        try (KafkaConsumer<String, String> files = consumer()) {
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                files.poll(Duration.ofMillis(500)).forEach(r -> events.add(r.value()));
                return events.stream().anyMatch(e -> e.contains("FileRemoved") && e.contains(name));
            });
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> waiting(name) == 0);
        // At least once: a send the broker took but the client timed out on goes again with the same
        // eventId, which the ledger takes once. One removal, then, is one eventId.
        assertEquals(1, once(events).stream().filter(e -> e.contains("FileRemoved") && e.contains(name)).count(),
                "announced once: " + events);

        assertEquals(201, dav("PUT", "/dav/" + name, TestImages.jpeg(91_002)).statusCode());
        try (KafkaConsumer<String, String> files = consumer()) {
            List<String> all = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                files.poll(Duration.ofMillis(500)).forEach(r -> all.add(r.value()));
                return once(all).stream().filter(e -> e.contains("FileArrived") && e.contains(name)).count() == 2;
            });
            List<String> kinds = once(all).stream().filter(e -> e.contains(name))
                    .map(e -> e.contains("FileArrived") ? "arrived" : e.contains("FileRemoved") ? "removed" : e).toList();
            assertEquals(List.of("arrived", "removed", "arrived"), kinds);
        }
        assertEquals(204, dav("DELETE", "/dav/" + name, null).statusCode(), "the tree is left as it was found");
    }

    /** The file events as the ledger takes them: each eventId once, in the order first seen. */
    private List<String> once(List<String> records) {
        java.util.Set<UUID> seen = new java.util.HashSet<>();
        return records.stream().filter(record -> {
            try {
                return seen.add(json.readValue(record, FileEvent.class).eventId());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    /**
     * A DELETE of a path commits while a PUT to it is between the announcement of its file and its entry
     * in the tree. Simulated: the test holds the path's lock (as a request in the tree does), and meanwhile
     * deletes the entry and writes the removal to the outbox, as a DELETE does. The PUT's file stands in the
     * tree; its arrival, announced before the removal, is announced again after it, so the ledger ends with
     * the file the tree has instead of retiring it.
     */
    @Test
    void aPutWhosePathWasDeletedAfterItsAnnouncementIsAnnouncedAgainBehindTheRemoval() throws Exception {
        String name = "race-" + UUID.randomUUID() + ".jpg";
        assertEquals(201, dav("PUT", "/dav/" + name, TestImages.jpeg(91_003)).statusCode());
        List<String> events = new ArrayList<>();
        try (KafkaConsumer<String, String> files = consumer()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                files.poll(Duration.ofMillis(500)).forEach(r -> events.add(r.value()));
                return events.stream().anyMatch(e -> e.contains("FileArrived") && e.contains(name));
            });
            FileEvent first = json.readValue(events.stream().filter(e -> e.contains(name)).findFirst().orElseThrow(), FileEvent.class);
            String principal;
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT principal FROM dav_entry WHERE path = ?")) {
                s.setString(1, "/" + name);
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next());
                    principal = rs.getString(1);
                }
            }
            byte[] newer = TestImages.jpeg(91_004);
            CompletableFuture<HttpResponse<String>> put;
            try (Connection delete = dataSource.getConnection()) {
                delete.setAutoCommit(false);
                try (PreparedStatement lock = delete.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                    lock.setString(1, "dav " + principal + " /" + name);
                    lock.execute();
                }
                put = CompletableFuture.supplyAsync(() -> {
                    try {
                        return dav("PUT", "/dav/" + name, newer);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                // announced, and waiting for the path
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    files.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
                    return events.stream().filter(e -> e.contains("FileArrived") && e.contains(name)).count() == 2;
                });
                try (PreparedStatement entry = delete.prepareStatement("DELETE FROM dav_entry WHERE principal = ? AND path = ?");
                     PreparedStatement removal = delete.prepareStatement(
                             "INSERT INTO file_event_outbox (event_key, event, created_at) VALUES (?, ?, now())")) {
                    entry.setString(1, principal);
                    entry.setString(2, "/" + name);
                    assertEquals(1, entry.executeUpdate());
                    FileRemoved removed = new FileRemoved(UUID.randomUUID(), java.time.Instant.now(), first.sourceId(), first.path());
                    removal.setString(1, removed.key());
                    removal.setString(2, json.writerFor(FileEvent.class).writeValueAsString(removed));
                    removal.executeUpdate();
                }
                delete.commit();
            }
            assertEquals(201, put.get(60, TimeUnit.SECONDS).statusCode(), "made anew: the entry it saw was gone");
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                files.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
                return events.stream().filter(e -> e.contains("FileArrived") && e.contains(name)).count() == 3;
            });
        }
        List<String> kinds = events.stream().filter(e -> e.contains(name))
                .map(e -> e.contains("FileArrived") ? "arrived" : e.contains("FileRemoved") ? "removed" : e).toList();
        assertEquals(List.of("arrived", "arrived", "removed", "arrived"), kinds);
        assertEquals(207, dav("PROPFIND", "/dav/" + name, null, "Depth", "0").statusCode(), "the PUT's file stands in the tree");
        assertEquals(204, dav("DELETE", "/dav/" + name, null).statusCode());
    }

    private long waiting(String name) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM file_event_outbox WHERE event LIKE ?")) {
            s.setString(1, "%" + name + "%");
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.FILES));
        return consumer;
    }

    private HttpResponse<String> dav(String method, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("outbox:" + uploadToken).getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
