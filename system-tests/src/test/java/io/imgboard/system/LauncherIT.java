package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Layout;
import io.imgboard.infra.ManagedProcess;
import io.imgboard.infra.Ports;
import io.imgboard.infra.PostgresServer;
import io.imgboard.infra.StateDir;
import org.apache.commons.io.FileUtils;
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
import java.util.LinkedHashMap;
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
 * And every {@code ./imgboard bench} as a person runs it, with tiny sizes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {
    private static final Duration START = Duration.ofMinutes(6);
    private static final Duration BENCH = Duration.ofMinutes(12);
    private static final List<String> SERVICES = List.of("ledger-service", "preprocessor-service", "ingest-service",
            "display-service");

    private static Path privateFolder;
    private static Path home;
    private static Path script;
    private static final Map<String, String> ENV = new LinkedHashMap<>();

    @BeforeAll
    static void prepare() throws IOException {
        privateFolder = Files.createTempDirectory("imgboard-launcher-");
        Files.setPosixFilePermissions(privateFolder, PosixFilePermissions.fromString("rwx------"));
        home = privateFolder.resolve("my photo frame").resolve("state folder");
        script = Layout.find().projectRoot().resolve("imgboard");
        ENV.put("IMGBOARD_HOME", home.toString());
        ENV.put("IMGBOARD_NO_BUILD", "1"); // the reactor has just built everything this test runs
        for (String variable : List.of("IMGBOARD_KAFKA_PORT", "IMGBOARD_KAFKA_CONTROLLER_PORT", "IMGBOARD_POSTGRES_PORT",
                "IMGBOARD_S3_PORT", "IMGBOARD_LEDGER_PORT", "IMGBOARD_PREPROCESSOR_PORT", "IMGBOARD_INGEST_PORT",
                "IMGBOARD_DISPLAY_PORT")) {
            ENV.put(variable, Integer.toString(Ports.free()));
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (home != null && Files.exists(home)) {
            run("down");
            Path external = PostgresServer.externalCluster(new StateDir(home));
            FileUtils.deleteQuietly(privateFolder.toFile());
            if (external != null) {
                FileUtils.deleteQuietly(external.toFile());
            }
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

    /**
     * The benchmarks that start a system or an imaging core of their own, with tiny sizes (two distinct
     * 12 MP photos, a library of 1,000): each finishes and prints its figures, the reference it measured
     * in the same run and the target. ({@code bench catalog}'s tiny run is the ledger's {@code CatalogBenchTest}.)
     */
    @Test
    @Order(4)
    void theBenchesWithASystemOfTheirOwnRun() throws Exception {
        run("down"); // in case the test before failed before its own: these start systems of their own
        Path corpus = Files.createDirectories(privateFolder.resolve("corpus"));
        Photos.shapes(corpus, "burst-1.jpg", 4101);
        Photos.shapes(corpus, "burst-2.jpg", 4102);

        // Two burst photos, and the distinct shots the bench makes of them (turned, mirrored, turned by
        // 90°) for the first upload, one warm upload, one during the reprocess of the whole library and
        // the second burst.
        Result pipeline = run("bench", "pipeline", "--warm", "1", "--burst", "2", "--parallel", "2",
                "--during-reprocess", "1", "--corpus", corpus.toString());
        System.out.println(pipeline.output()); // the figures, for whoever reads the test's log
        assertEquals(0, pipeline.code(), pipeline.output());
        for (String line : List.of("first upload after start-up → add:", "upload → add, 1 warm uploads one at a time: p50",
                "upload → add while the whole library is reprocessed", "burst of 2 × 12 MP, 2 uploads in flight", "not judged, a burst of 2",
                "imaging core alone on the first burst's files", "(target ≥ 0.85:", "burst 2 of 2 × 12 MP",
                "CPU from its start to its last add, ms per photo:", "by thread", "where the time goes", "idle after the run:")) {
            assertTrue(pipeline.output().contains(line), "no \"" + line + "\" in:\n" + pipeline.output());
        }

        Result library = run("bench", "library", "--photos", "1000");
        System.out.println(library.output()); // the figures, for whoever reads the test's log
        assertEquals(0, library.code(), library.output());
        for (String line : List.of("1,000 catalog records written", "library of 1,000 photos, one display",
                "having read the catalog (target ≤ 60 s", "bytes per photo", "a frame connects: page of",
                "the frame's next windows")) {
            assertTrue(library.output().contains(line), "no \"" + line + "\" in:\n" + library.output());
        }

        Result imaging = run("bench", "imaging", "--no-sharp", "--rounds", "1", corpus.toString());
        System.out.println(imaging.output()); // the figures, for whoever reads the test's log
        assertEquals(0, imaging.code(), imaging.output());
        for (String line : List.of("corpus: " + corpus + " — 2 images", "core/vipsthumbnail:",
                "metadata in outputs (EXIF/XMP/ICCP chunks): core", "peak RSS: this JVM", "decompression bomb")) {
            assertTrue(imaging.output().contains(line), "no \"" + line + "\" in:\n" + imaging.output());
        }
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

    record Result(int code, String output) {
    }

    private static Result run(String... args) throws Exception {
        return run(command(args), args);
    }

    private static Result run(ProcessBuilder builder, String... args) throws Exception {
        Path output = Files.createTempFile("imgboard-", ".log");
        try {
            Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
            // A bench starts a system of its own and runs it through its phases: more time than up alone.
            Duration limit = args[0].equals("bench") ? BENCH : START;
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                // SIGTERM (a bench's own system stops through its shutdown hook), SIGKILL to all it started after a minute
                ManagedProcess.stopHandle(process.toHandle(), Duration.ofMinutes(1));
                throw new AssertionError("./imgboard " + String.join(" ", args) + " did not finish within " + limit
                        + ":\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(privateFolder.toFile());
        for (String variable : List.of("IMGBOARD_ADMIN_TOKEN", "IMGBOARD_UPLOAD_TOKEN", "IMGBOARD_SERVICE_TOKEN")) {
            builder.environment().remove(variable);
        }
        builder.environment().putAll(ENV);
        return builder;
    }
}
