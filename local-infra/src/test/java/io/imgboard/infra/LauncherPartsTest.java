package io.imgboard.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's parts that need no servers: pid files, the stop registry, options, credentials. */
class LauncherPartsTest {
    @TempDir
    Path dir;

    @Test
    void aPidFileOfAnotherProcessIsNeverSignalled() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Path pidFile = dir.resolve("x.pid");
            PidFile.write(pidFile, sleeper.toHandle());
            assertEquals(sleeper.pid(), PidFile.verified(pidFile).orElseThrow().pid());

            // The same pid, but a process that started at another time: what a stale file after a
            // reboot or pid reuse looks like.
            Files.writeString(pidFile, sleeper.pid() + "\n" + (sleeper.toHandle().info().startInstant().orElseThrow()
                    .toEpochMilli() - 3_600_000) + "\nsleep 60\n");
            assertTrue(PidFile.verified(pidFile).isEmpty(), "a stale pid file was taken for the live process");
            assertTrue(ManagedProcess.stopByPidFile(pidFile, Duration.ofSeconds(1)).isEmpty());
            assertTrue(sleeper.isAlive(), "down signalled a process its pid file does not name");
            assertFalse(Files.exists(pidFile), "the stale pid file is left");

            Files.writeString(pidFile, "not a pid\n");
            assertTrue(PidFile.verified(pidFile).isEmpty());
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void aProcessStartedAgainGetsItsReadyAgainWorkOnceAndItsFirstStartNone() throws Exception {
        StateDir state = new StateDir(dir.resolve("state"));
        Launch launch = new Launch(true);
        Supplier<ManagedProcess> sleeper =
                () -> ManagedProcess.start("broker", List.of("sleep", "60"), Map.of(), dir, state);
        ManagedProcess first = launch.start("broker", clean -> { }, sleeper);
        AtomicInteger warmedUp = new AtomicInteger();
        CountDownLatch again = new CountDownLatch(1);
        Supervisor.Unit unit = new Supervisor.Unit("broker", "infrastructure", 1, first, sleeper, () -> true)
                .whenReadyAgain(() -> {
                    warmedUp.incrementAndGet();
                    again.countDown();
                });
        Thread watching = new Thread(new Supervisor(state, launch, List.of(unit), (name, process) -> { }));
        watching.start();
        try {
            Path status = Supervisor.statusFile(state);
            for (int i = 0; i < 100 && !Files.exists(status); i++) {
                Sleeper.pause(Duration.ofMillis(100));
            }
            assertTrue(Files.exists(status), "the supervisor never wrote its status");
            assertEquals(0, warmedUp.get(), "the first start is not a restart");

            first.handle().destroyForcibly();
            assertTrue(again.await(30, TimeUnit.SECONDS), "no ready-again work after the restart");
            assertNotEquals(first.pid(), unit.process.pid());
            assertEquals(1, warmedUp.get());
        } finally {
            launch.close();
            watching.join(10_000);
            unit.process.stop(Duration.ZERO);
        }
    }

    @Test
    void closeWaitsForAStartInFlightAndStopsWhatItMade() throws Exception {
        Launch launch = new Launch(true);
        List<String> stopped = new ArrayList<>();
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        launch.start("kafka", clean -> stopped.add("kafka"), () -> "kafka");
        Thread starter = new Thread(() -> launch.start("postgres", clean -> stopped.add("postgres"), () -> {
            starting.countDown();
            try {
                release.await(10, TimeUnit.SECONDS); // a pg_ctl start that takes a while
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "postgres";
        }));
        starter.start();
        assertTrue(starting.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(launch::close); // Ctrl-C now
        closer.start();
        closer.join(300);
        assertTrue(closer.isAlive(), "close did not wait for the start in flight");
        release.countDown();
        closer.join(10_000);
        assertEquals(List.of("postgres", "kafka"), stopped, "newest first, the one in flight included");
        assertThrows(Launch.Stopped.class, () -> launch.start("s3", clean -> stopped.add("s3"), () -> "s3"));
        assertEquals(2, stopped.size(), "nothing starts after close");
    }

    @Test
    void upOptionsAreCheckedBeforeAnythingStarts() throws Exception {
        Path photos = Files.createDirectories(dir.resolve("Camera Uploads"));
        Main.UpOptions options = Main.UpOptions.parse(List.of("--detach", "--source", "phone=" + photos,
                "--scale", "preprocessor=2", "--scale=display=3"), dir.resolve("state"));
        assertTrue(options.detach());
        assertEquals(Map.of("phone", photos), options.sources());
        assertEquals(Map.of("preprocessor-service", 2, "display-service", 3), options.scale());
        assertEquals("phone=" + photos, LocalSystem.sourcesVariable(options.sources()));
        assertEquals(Map.of("ledger-service", 8082, "preprocessor-service", 8083, "preprocessor-service-2", 8183,
                        "ingest-service", 8081, "display-service", 8080),
                LocalSystem.instancePorts(Services.DEFAULT_PORTS, Map.of("preprocessor-service", 2)));

        assertTrue(message(List.of("--source", "nas=" + dir.resolve("missing"))).contains("is not a folder"));
        assertTrue(message(List.of("--source", "../x=" + photos)).contains("is not a source name"));
        // what ingest refuses (SourceSettings: SourceIds.NAME), the launcher refuses before starting it
        assertTrue(message(List.of("--source", "NAS=" + photos)).contains("is not a source name"));
        assertTrue(message(List.of("--source", "my_photos=" + photos)).contains("is not a source name"));
        assertEquals(Map.of("my-photos-2", photos),
                Main.UpOptions.parse(List.of("--source", "my-photos-2=" + photos), dir.resolve("state")).sources());
        assertTrue(message(List.of("--source", "a=" + photos, "--source", "a=" + photos)).contains("twice"));
        assertTrue(message(List.of("--scale", "ledger=2")).contains("only preprocessor and display"));
        assertTrue(message(List.of("--scale", "preprocessor=0")).contains("N from 1 to 8"));
        assertTrue(message(List.of("--sauce")).contains("unknown option"));
    }

    private static String message(List<String> args) {
        return assertThrows(InfraException.class, () -> Main.UpOptions.parse(args, Path.of("/nonexistent/imgboard-state")))
                .getMessage();
    }

    @Test
    void aSourceThatHoldsOrLiesInTheStateFolderOrAnotherSourceIsRefused() throws Exception {
        Path state = Files.createDirectories(dir.resolve("photos/.imgboard"));
        Path photos = dir.resolve("photos");
        Path inside = Files.createDirectories(state.resolve("s3"));
        Path album = Files.createDirectories(dir.resolve("album/2024"));
        Path link = Files.createSymbolicLink(dir.resolve("link-to-state"), state);

        assertTrue(sourceMessage(state, "st=" + state).contains("holds the state folder"));
        assertTrue(sourceMessage(state, "root=/").contains("holds the state folder"));
        assertTrue(sourceMessage(state, "up=" + photos).contains("holds the state folder"));
        assertTrue(sourceMessage(state, "s3=" + inside).contains("lies inside the state folder"));
        assertTrue(sourceMessage(state, "ln=" + link).contains("holds the state folder"), "a link does not hide it");
        // a state folder not made yet, under a source
        assertTrue(sourceMessage(photos.resolve("new-state"), "up=" + photos).contains("holds the state folder"));

        String both = sourceMessage(state, "all=" + dir.resolve("album"), "y2024=" + album);
        assertTrue(both.contains("--source all=") && both.contains("--source y2024=") && both.contains("one inside the other"),
                both);
        assertTrue(sourceMessage(state, "a=" + album, "b=" + album).contains("are the same folder"));
        assertEquals(2, Main.UpOptions.parse(List.of("--source", "a=" + album, "--source", "b=" + Files.createDirectories(
                dir.resolve("album/2025-other"))), state).sources().size(), "side by side is fine");
    }

    @Test
    void upRefusesHttpsAndASessionTimeoutTheBrokerRefuses() {
        for (String tls : List.of("IMGBOARD_TLS_CERT", "IMGBOARD_TLS_KEY", "IMGBOARD_TLS_PORT")) {
            String refused = assertThrows(InfraException.class,
                    () -> Main.refuseSettings(name -> name.equals(tls) ? "/etc/ssl/x.pem" : null)).getMessage();
            assertTrue(refused.startsWith(tls + " is set, but ./imgboard up serves plain HTTP only"), refused);
            assertTrue(refused.contains("deploy/compose/tls.yml"), refused);
        }
        String session = assertThrows(InfraException.class,
                () -> Main.refuseSettings(name -> name.equals("IMGBOARD_KAFKA_SESSION_TIMEOUT_MS") ? "4000" : null))
                .getMessage();
        assertTrue(session.startsWith("IMGBOARD_KAFKA_SESSION_TIMEOUT_MS=4000 is outside the broker's range"), session);
        Main.refuseSettings(name -> name.equals("IMGBOARD_KAFKA_SESSION_TIMEOUT_MS") ? "45000" : "");
        Main.refuseSettings(name -> null);
    }

    private static String sourceMessage(Path state, String... sources) {
        List<String> args = new ArrayList<>();
        for (String source : sources) {
            args.add("--source");
            args.add(source);
        }
        return assertThrows(InfraException.class, () -> Main.UpOptions.parse(args, state)).getMessage();
    }

    @Test
    void tokensAreGeneratedApartPrivateAndStableOrTakenFromTheEnvironment() throws Exception {
        StateDir state = new StateDir(dir.resolve("state"));
        Credentials generated = Credentials.of(state, name -> null);
        assertNotEquals(generated.admin(), generated.upload());
        assertNotEquals(generated.upload(), generated.service());
        assertEquals(generated, Credentials.of(state, name -> null), "tokens must survive down/up");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.root().resolve("secrets/admin-token"))));
        assertFalse(generated.toString().contains(generated.admin()), "toString printed a token");

        String admin = "admin-from-the-environment-0123";
        assertEquals(admin, Credentials.of(state, name -> name.equals(Credentials.ADMIN_VARIABLE) ? admin : null).admin());
        String same = "one-token-for-everything-0123456";
        assertTrue(assertThrows(InfraException.class, () -> Credentials.of(state, name -> same)).getMessage()
                .contains("must all differ"));
        assertTrue(assertThrows(InfraException.class, () -> Credentials.of(state,
                name -> name.equals(Credentials.UPLOAD_VARIABLE) ? "short" : null)).getMessage().contains("16"));
    }

    /**
     * Every Java process the launcher starts gets deploy/jvm.options (as the images do): the file is a valid
     * argument file, and each of its -XX flags reaches the JVM with the file's value.
     */
    @Test
    void everyServerJvmRunsWithTheProjectsJvmOptions() throws Exception {
        Layout layout = Layout.find();
        List<String> flags = new ArrayList<>();
        for (String line : Files.readAllLines(layout.jvmOptions())) {
            String option = line.replaceFirst("#.*", "").strip();
            if (!option.isEmpty()) {
                flags.add(option);
            }
        }
        assertFalse(flags.isEmpty(), "deploy/jvm.options names no option");
        List<String> command = new ArrayList<>(layout.javaCommand());
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes());
        assertTrue(java.waitFor(60, TimeUnit.SECONDS), "java -version did not end");
        assertEquals(0, java.exitValue(), "java would not start with " + command + ":\n" + output);
        for (String flag : flags) {
            String[] nameValue = flag.replaceFirst("^-XX:", "").split("=", 2);
            assertEquals(2, nameValue.length, "not an -XX:Name=value flag: " + flag);
            assertTrue(output.lines().anyMatch(l -> l.matches("\\s*\\S+\\s+" + nameValue[0] + "\\s+= " + nameValue[1]
                            + "\\s+\\{.*\\} \\{command line\\}")),
                    flag + " did not reach the JVM started with " + command);
        }
    }
    /** Two settings naming one port: refused with both names before anything starts (the second would bind in vain). */
    @Test
    void portsGivenTwiceOrOutOfRangeAreRefusedBeforeAnythingStarts() {
        Endpoints.Ports3 infra = new Endpoints.Ports3(9092, 9093, 15432, 9000);
        Map<String, Integer> clash = new java.util.LinkedHashMap<>();
        clash.put("display-service", 27080);
        clash.put("ingest-service", 27080);
        assertEquals("port 27080 is given to both display-service (IMGBOARD_DISPLAY_PORT) and ingest-service"
                        + " (IMGBOARD_INGEST_PORT): every process needs a port of its own; set one of them to another port",
                assertThrows(InfraException.class, () -> LocalSystem.requireDistinctPorts(infra, clash)).getMessage());
        Map<String, Integer> scaled = new java.util.LinkedHashMap<>();
        scaled.put("preprocessor-service", 8900);
        scaled.put("preprocessor-service-2", 9000);
        assertTrue(assertThrows(InfraException.class, () -> LocalSystem.requireDistinctPorts(infra, scaled)).getMessage()
                .startsWith("port 9000 is given to both the S3 server (IMGBOARD_S3_PORT) and preprocessor-service-2"));
        LocalSystem.requireDistinctPorts(infra, Map.of("display-service", 8080, "ingest-service", 8081));

        for (String bad : List.of("70000", "0", "-1")) {
            assertEquals("IMGBOARD_DISPLAY_PORT=" + bad + " is not a port number (1 to 65535)", assertThrows(InfraException.class,
                    () -> Main.port(bad, "IMGBOARD_DISPLAY_PORT", 8080)).getMessage());
        }
        assertEquals(8080, Main.port(" ", "IMGBOARD_DISPLAY_PORT", 8080));
    }
}
