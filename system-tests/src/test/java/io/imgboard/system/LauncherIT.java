package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.system.Script.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./imgboard up} as a person runs it, from the real script: with its state folder below a
 * private folder (mode 700, like {@code mktemp -d} or {@code /root}) on a path with spaces, which
 * PostgreSQL's own user cannot enter; supervised, so a {@code kill -9} of any service brings it back
 * ready; stopped by {@code down} or by Ctrl-C at any moment, start-up included, leaving no process.
 * And the benches that measure a running {@code up}, with tiny sizes ({@link OwnSystemBenchesIT} runs the others).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {
    private static final Duration START = Script.START;
    private static final List<String> SERVICES = List.of("ledger-service", "preprocessor-service", "ingest-service",
            "display-service");

    private static Script launcher;
    private static Path privateFolder;
    private static Path home;
    private static Map<String, String> ENV;

    @BeforeAll
    static void prepare() throws IOException {
        launcher = Script.inPrivateFolder("imgboard-launcher-");
        privateFolder = launcher.privateFolder;
        home = launcher.home;
        ENV = launcher.env;
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (launcher != null) {
            launcher.cleanUp();
        }
    }

    @Test
    @Order(1)
    void upStartsEverythingReadyAndKeepsTheTokensPrivate() throws Exception {
        Result up = run("up", "--detach");
        assertEquals(0, up.code(), up.output());
        assertTrue(up.output().contains("img-board is up"), up.output());

        // Tokens: generated apart, mode 600, never printed; the banner says where they are.
        Path secrets = home.resolve("secrets");
        Set<String> tokens = new HashSet<>();
        for (String name : List.of("admin-token", "upload-token", "service-token")) {
            Path file = secrets.resolve(name);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), name);
            String token = Files.readString(file).trim();
            assertTrue(token.length() >= 32, name);
            assertFalse(up.output().contains(token), "the banner printed the " + name);
            tokens.add(token);
        }
        assertEquals(3, tokens.size(), "admin, upload and service tokens must differ");
        assertTrue(up.output().contains(secrets.toString()), up.output());

        // A second up on the running system is refused at once: before a build, which would replace the jars
        // under the running services (so this one may build, as a person's would).
        ProcessBuilder building = command("up", "--detach");
        building.environment().remove("IMGBOARD_NO_BUILD");
        Result again = run(building, "up", "--detach");
        assertEquals(1, again.code(), again.output());
        assertTrue(again.output().contains("already running (launcher pid"), again.output());
        assertFalse(again.output().contains("building"), "a second up built under the running system:\n" + again.output());

        Result status = run("status");
        for (String name : List.of("kafka", "s3", "postgres", "ledger-service", "preprocessor-service", "ingest-service",
                "display-service")) {
            assertTrue(status.output().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains("ready")),
                    name + " not ready in:\n" + status.output());
        }
        assertTrue(status.output().contains(ENV.get("IMGBOARD_INGEST_PORT")), status.output());
        // Each process's memory, and the whole system's: the rows plus the supervisor's own JVM, each counted once
        // (everything descends from the supervisor: counting its tree beside the rows would double the total).
        long rows = status.output().lines().map(l -> java.util.regex.Pattern.compile(" ready +\\S+ +\\d+ +(\\d+) MB ").matcher(l))
                .filter(java.util.regex.Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).sum();
        java.util.regex.Matcher all = java.util.regex.Pattern.compile("memory in all: (\\d+) MB, the supervisor's own (\\d+) MB")
                .matcher(status.output());
        assertTrue(all.find(), status.output());
        assertTrue(rows > 300, "seven processes cannot hold under 300 MB:\n" + status.output());
        long total = Long.parseLong(all.group(1));
        long supervisor = Long.parseLong(all.group(2));
        assertTrue(supervisor > 0 && supervisor < 400, status.output());
        assertTrue(total >= rows && total < rows + 400, status.output());

        // Each service holds the secrets it uses and no other, as docker-compose.yml gives them.
        for (String service : SERVICES) {
            Set<String> variables = environmentNames(process(service).get("pid").asLong());
            boolean database = service.equals("ledger-service") || service.equals("ingest-service");
            assertEquals(database, variables.contains("QUARKUS_DATASOURCE_PASSWORD"), service + ": the database's password");
            assertEquals(!service.equals("preprocessor-service"), variables.contains("IMGBOARD_SERVICE_TOKEN"),
                    service + ": the service token");
            assertEquals(service.equals("ingest-service") || service.equals("display-service"),
                    variables.contains("IMGBOARD_ADMIN_TOKEN"), service + ": the admin token");
            assertEquals(service.equals("ingest-service"), variables.contains("IMGBOARD_UPLOAD_TOKEN"), service + ": the upload token");
        }
    }

    /** The names of a process's environment variables ({@code /proc/PID/environ}). */
    private static Set<String> environmentNames(long pid) throws IOException {
        Set<String> names = new HashSet<>();
        for (String entry : new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                java.nio.charset.StandardCharsets.ISO_8859_1).split("\0")) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                names.add(entry.substring(0, equals));
            }
        }
        return names;
    }

    /**
     * The benchmarks that measure a running {@code up}, as a person runs them, with tiny sizes: each
     * finishes and prints its figures beside the target. Speed is measured by the benches, never asserted here.
     */
    @Test
    @Order(2)
    void theBenchesOfARunningSystemRunAgainstIt() throws Exception {
        Result fanout = run("bench", "fanout", "--clients", "20", "--rounds", "1", "--addresses", "2", "--no-fill");
        System.out.println(fanout.output()); // the figures, for whoever reads the test's log
        assertEquals(0, fanout.code(), fanout.output());
        for (String line : List.of("connected 20 of 20", "KB per client (target ≤ 10 KB", "add → clients, median of 1 rounds",
                "target ≤ 150 ms", "display RSS after the bench")) {
            assertTrue(fanout.output().contains(line), "no \"" + line + "\" in:\n" + fanout.output());
        }

        Result sources = run("bench", "sources", "--drops", "1", "--files", "200");
        System.out.println(sources.output()); // the figures, for whoever reads the test's log
        assertEquals(0, sources.code(), sources.output());
        for (String line : List.of("folder drop → SSE add (1 images", "target p50 ≤ 2 s", "ledger has it → SSE add",
                "unchanged rescan of 200 files (target ≤ 5 s)", "0 files read")) {
            assertTrue(sources.output().contains(line), "no \"" + line + "\" in:\n" + sources.output());
        }
        try (Stream<Path> left = Files.list(home.resolve("bench"))) {
            assertEquals(List.of(), left.toList(), "bench sources leaves its folders behind");
        }
    }

    @Test
    @Order(3)
    void killedServicesComeBackAndDownStopsEverything() throws Exception {
        // kill -9 each service: the supervisor starts it again and it becomes ready.
        for (String service : SERVICES) {
            long pid = process(service).get("pid").asLong();
            assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly(), "cannot kill " + service);
            await().atMost(START).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode p = process(service);
                assertNotEquals(pid, p.get("pid").asLong(), service + " was not started again");
                assertEquals("ready", p.get("state").asText(), p.toString());
                assertEquals(1, p.get("restarts").asInt(), p.toString());
                assertTrue(p.get("lastExit").asText().contains("SIGKILL"), p.toString());
            });
            Http.Response ready = Http.get("http://127.0.0.1:" + process(service).get("port").asInt() + "/q/health/ready");
            assertEquals(200, ready.status(), service + ": " + ready.text());
        }
        String afterKills = run("status").output();
        assertTrue(afterKills.contains("SIGKILL"), afterKills);

        Set<Long> pids = StateProcesses.all(home);
        Result down = run("down");
        assertEquals(0, down.code(), down.output());
        assertTrue(down.output().contains("img-board is down"), down.output());
        StateProcesses.assertNoneLeft(home, pids, ENV);
        // Again, with nothing left: said so, not that it stopped something (a person may have the wrong folder).
        Result again = run("down");
        assertEquals(0, again.code(), again.output());
        assertTrue(again.output().contains("nothing of img-board was running in " + home), again.output());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFolder)),
                "the private folder was loosened");
    }

    @Test
    @Order(5)
    void ctrlCWhileTheServersStartLeavesNoProcess() throws Exception {
        ctrlCOnceThisStarts("postgres");
    }

    @Test
    @Order(6)
    void ctrlCWhileTheServicesStartLeavesNoProcess() throws Exception {
        ctrlCOnceThisStarts("ingest-service");
    }

    /** Starts {@code up} in the foreground and presses Ctrl-C (SIGINT) as soon as {@code name}'s pid file appears. */
    private static void ctrlCOnceThisStarts(String name) throws Exception {
        Path pidFile = home.resolve("run").resolve(name + ".pid");
        Files.deleteIfExists(pidFile);
        Path output = Files.createTempFile("imgboard-up-", ".log");
        // As a terminal starts it: a build started in the background (nohup, a CI runner) ignores SIGINT, and a
        // program started with SIGINT ignored cannot catch it (bash's trap, the JVM's handler), so Ctrl-C is
        // given back its default first (coreutils' env).
        ProcessBuilder foreground = command("up");
        List<String> withDefaultInt = new ArrayList<>(List.of("env", "--default-signal=INT"));
        withDefaultInt.addAll(foreground.command());
        Process up = foreground.command(withDefaultInt).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Set<Long> seen = new HashSet<>();
        try {
            await().atMost(START).pollInterval(Duration.ofMillis(50)).until(() -> {
                seen.addAll(StateProcesses.all(home));
                return Files.exists(pidFile) || !up.isAlive();
            });
            assertTrue(up.isAlive(), "up ended before " + name + " started:\n" + Files.readString(output));
            if (name.equals("postgres")) {
                // status while up is still starting the servers: the launcher is running, not "not running"
                String status = run("status").output();
                assertFalse(status.contains("not running"), status);
                assertTrue(status.contains("launcher pid " + up.pid() + ": starting")
                        || status.contains("launcher (supervisor) pid " + up.pid()), status);
            }
            seen.addAll(StateProcesses.all(home));
            new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor();
            assertTrue(up.waitFor(3, TimeUnit.MINUTES), "up did not stop after Ctrl-C:\n" + Files.readString(output));
            seen.addAll(StateProcesses.all(home));
            StateProcesses.assertNoneLeft(home, seen, ENV);
            assertFalse(Files.exists(home.resolve("run/launcher.pid")), "the launcher's pid file is left");
        } finally {
            up.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    private static JsonNode process(String name) throws IOException {
        JsonNode status = Http.JSON.readTree(home.resolve("run/status.json").toFile());
        for (JsonNode p : status.get("processes")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError(name + " not in the status file: " + status);
    }

    private static Result run(String... args) throws Exception {
        return launcher.run(args);
    }

    private static Result run(ProcessBuilder builder, String... args) throws Exception {
        return launcher.run(builder, args);
    }

    private static ProcessBuilder command(String... args) {
        return launcher.command(args);
    }
}
