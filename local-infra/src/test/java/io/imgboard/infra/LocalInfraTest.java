package io.imgboard.infra;

import io.imgboard.events.Topics;
import io.imgboard.infra.Endpoints.Ports3;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts the real servers, checks each answers, restarts on the same state, and refuses a taken port. */
class LocalInfraTest {

    /** Made like {@code mktemp -d}: mode 700, closed to every other user (postgres included). */
    @TempDir
    Path privateFolder;

    /**
     * The state folder sits below a private folder, on a path with spaces: as root, PostgreSQL
     * runs as postgres, which cannot enter it. The servers must start anyway, keep their data
     * across a restart, and leave the folder's permissions as they were.
     */
    @Test
    void startsAllThreeUnderAPrivateFolderWithSpacesAndKeepsDataAcrossRestart() throws Exception {
        Files.setPosixFilePermissions(privateFolder, PosixFilePermissions.fromString("rwx------"));
        Path home = privateFolder.resolve("my photos").resolve("img board state");
        StateDir state = new StateDir(home);
        Ports3 ports = Ports3.free();
        Path external = null;
        try {
            startCheckAndRestart(state, ports);
            external = PostgresServer.externalCluster(state);
            startsFromNothingOnceTheStateFolderIsDeleted(state, ports, external);
        } finally {
            for (Path cluster : clustersOf(state, external)) {
                FileUtils.deleteQuietly(cluster.toFile());
            }
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFolder)),
                "the private folder was loosened");
    }

    private void startCheckAndRestart(StateDir state, Ports3 ports) throws Exception {
        Path home = state.root();
        try (LocalInfra infra = LocalInfra.start(Layout.find(), state, ports, Topics.ALL)) {
            Endpoints endpoints = infra.endpoints();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()))) {
                Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                assertTrue(names.containsAll(Topics.ALL.keySet()), "topics: " + names);
                ConfigResource catalog = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CATALOG);
                Config config = admin.describeConfigs(List.of(catalog)).all().get(10, TimeUnit.SECONDS).get(catalog);
                assertEquals("compact", config.get("cleanup.policy").value());
                // one broker: each record is flushed to disk before it is acknowledged
                ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
                assertEquals("1", admin.describeConfigs(List.of(broker)).all().get(10, TimeUnit.SECONDS).get(broker)
                        .get("log.flush.interval.messages").value());

                // The broker's warm-up: every record acknowledged and read back, on the topic no service reads.
                Path log = home.resolve("kafka-warm-up.log");
                assertTrue(KafkaServer.warmUp(endpoints.kafkaBootstrap(), log), Files.readString(log));
                assertTrue(Files.readString(log).contains(KafkaServer.WARM_UP_RECORDS + " records sent and read"),
                        Files.readString(log));
                TopicPartition warmUp = new TopicPartition(Topics.WARM_UP, 0);
                assertEquals(KafkaServer.WARM_UP_RECORDS, admin.listOffsets(Map.of(warmUp, OffsetSpec.latest())).all()
                        .get(10, TimeUnit.SECONDS).get(warmUp).offset());
            }
            assertEquals("1", psql(ports.postgres(), endpoints.dbPassword(), "SELECT 1"));
            // s3proxy checks signatures: an anonymous request is refused, which proves it is S3 answering.
            HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(endpoints.s3Endpoint() + "/" + LocalInfra.ORIGINALS_BUCKET)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, anonymous.statusCode(), anonymous.body());
            // and it is the durable one: each object flushed to disk before it is acknowledged
            assertTrue(Files.readString(home.resolve("logs/s3.log")).contains("objects flushed to disk before each answer"),
                    Files.readString(home.resolve("logs/s3.log")));
            psql(ports.postgres(), endpoints.dbPassword(), "CREATE TABLE kept(x int); INSERT INTO kept VALUES (42)");
        }
        assertFalse(Ports.isListening(ports.kafka()), "Kafka still listening after close");
        assertFalse(Ports.isListening(ports.postgres()), "PostgreSQL still listening after close");

        // Same state folder again: no reformat, data and secrets still there.
        try (LocalInfra again = LocalInfra.start(Layout.find(), new StateDir(home), ports, Topics.ALL)) {
            assertEquals("42", psql(ports.postgres(), again.endpoints().dbPassword(), "SELECT x FROM kept"));
        }
        assertFalse(Ports.isListening(ports.postgres()), "PostgreSQL still listening after the second close");
        assertTrue(Files.exists(home.resolve("kafka/data/meta.properties")), "Kafka's data is not in the state folder");
    }

    @Test
    void aBrokerWarmUpThatCannotReachKafkaSaysSoAndReturns() throws Exception {
        Path log = privateFolder.resolve("kafka-warm-up.log");
        assertFalse(KafkaServer.warmUp("127.0.0.1:" + Ports.free(), log));
        assertTrue(Files.readString(log).contains("Kafka warm-up failed"), Files.readString(log));
    }

    @Test
    void aTakenPortGivesAClearMessage() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            InfraException e = assertThrows(InfraException.class,
                    () -> Ports.requireFree(taken.getLocalPort(), "Kafka", "IMGBOARD_KAFKA_PORT"));
            assertTrue(e.getMessage().contains("IMGBOARD_KAFKA_PORT"), e.getMessage());
            assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
        }
    }

    /**
     * Ports for servers come from below the ephemeral range: there the kernel never gives one to an
     * outgoing connection between the pick and the server's bind (CI once lost PostgreSQL's port so).
     */
    @Test
    void freePortsLieBelowTheEphemeralRangeAndAreNeverHandedOutTwice() {
        Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = Ports.free();
            assertTrue(port < Ports.ephemeralLow(), port + " is in the ephemeral range from " + Ports.ephemeralLow());
            assertTrue(Ports.isFree(port), port + " is not free");
            assertTrue(seen.add(port), port + " handed out twice");
        }
    }

    /**
     * The README's way to start from nothing: delete the state folder. As root the cluster lives outside
     * it, in a place chosen by the folder's path, so a new folder at the same path finds the old cluster,
     * whose password went with the old folder. PostgreSQL must start empty anyway, with the new password.
     */
    private static void startsFromNothingOnceTheStateFolderIsDeleted(StateDir state, Ports3 ports, Path oldCluster)
            throws Exception {
        FileUtils.deleteQuietly(state.root().toFile());
        StateDir fresh = new StateDir(state.root());
        String password = "a-new-folder-" + System.nanoTime();
        PostgresServer.start(fresh, ports.postgres(), password, List.of("ledger"));
        try {
            assertEquals("t", psql(ports.postgres(), password, "SELECT to_regclass('kept') IS NULL"),
                    "the new state folder's database is not empty");
        } finally {
            PostgresServer.stop(fresh, "fast");
        }
        if (oldCluster != null) { // as root: the old data is kept aside, not deleted, and the new cluster is elsewhere
            assertEquals(oldCluster, PostgresServer.externalCluster(fresh), "the new folder chose another place");
            List<Path> aside = clustersOf(fresh, oldCluster).stream().filter(p -> !p.equals(oldCluster)).toList();
            assertEquals(1, aside.size(), "the old cluster set aside: " + aside);
            assertTrue(Files.exists(aside.get(0).resolve("data/PG_VERSION")), aside.get(0) + " lost the old data");
        }
    }

    /** The cluster folders of this state folder's path outside it, the set-aside ones included. */
    private static List<Path> clustersOf(StateDir state, Path external) throws Exception {
        Path cluster = external != null ? external : PostgresServer.externalCluster(state);
        if (cluster == null) {
            return List.of();
        }
        try (var siblings = Files.list(cluster.getParent())) {
            return siblings.filter(p -> p.getFileName().toString().startsWith(cluster.getFileName().toString())).toList();
        }
    }

    private static String psql(int port, String password, String sql) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Layout.postgresBin().resolve("psql").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-U", PostgresServer.USER, "-d", "ledger", "-tAc", sql)
                .redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", password);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes()).trim();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        return out.lines().reduce((a, b) -> b).orElse("");
    }
}
