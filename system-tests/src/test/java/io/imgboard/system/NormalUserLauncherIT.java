package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Layout;
import io.imgboard.infra.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./imgboard up --detach}, {@code status} and {@code down} as a normal (non-root) user, the way
 * most people run it: the user's home is a private folder (mode 700) and both the build and the state
 * folder lie below it, on paths with spaces. {@link LauncherIT} proves the same as root, where
 * PostgreSQL runs as its own user; here every process is the user's own and the cluster lives in the
 * state folder.
 *
 * <p>The suite runs as root (CI does), so the test makes a dedicated unprivileged user
 * ({@value #USER}, no login, no home of its own) and runs the script through {@code setpriv}. That
 * user cannot enter the developer's clone (often below {@code /root}), and it must not be opened up:
 * the built artifacts {@code up} needs (the script, the launcher with its classpath, the broker jars,
 * s3proxy and the four quarkus-app folders) are copied into the user's home and handed to it. Run by
 * a normal user the test runs the script as that user directly: the same proof.
 */
class NormalUserLauncherIT {
    static final String USER = "imgboard-plain";
    private static final Duration START = Duration.ofMinutes(6);
    private static final List<String> ARTIFACTS = List.of("imgboard", "deploy/libvips.env", "deploy/jvm.options", "local-infra/target/local-infra-0.1.0-SNAPSHOT.jar",
            "local-infra/target/lib", "local-infra/target/s3proxy", "local-infra/kafka-broker/pom.xml",
            "local-infra/kafka-broker/target/lib", "ledger-service/target/quarkus-app",
            "preprocessor-service/target/quarkus-app", "ingest-service/target/quarkus-app",
            "display-service/target/quarkus-app");

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final Map<String, String> ENV = new LinkedHashMap<>();
    private static Path userHome;
    private static Path build;
    private static Path home;
    private static String account;

    @BeforeAll
    static void prepare() throws Exception {
        account = ROOT ? USER : System.getProperty("user.name");
        if (ROOT && exec("id", "-u", USER).code() != 0) {
            Result added = exec("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", USER);
            assertTrue(added.code() == 0 || exec("id", "-u", USER).code() == 0, added.output());
        }
        userHome = Files.createTempDirectory("imgboard-user-");
        Path frame = userHome.resolve("my photo frame");
        build = frame.resolve("img-board build");
        home = frame.resolve("state folder");
        Files.createDirectories(build);
        Path root = Layout.find().projectRoot();
        for (String artifact : ARTIFACTS) {
            Path target = build.resolve(artifact);
            Files.createDirectories(target.getParent());
            Result copied = exec("cp", "-R", root.resolve(artifact).toString(), target.toString());
            assertEquals(0, copied.code(), copied.output());
        }
        if (ROOT) {
            Result owned = exec("chown", "-R", USER + ":" + USER, userHome.toString());
            assertEquals(0, owned.code(), owned.output());
        }
        Files.setPosixFilePermissions(userHome, PosixFilePermissions.fromString("rwx------"));
        ENV.put("HOME", userHome.toString());
        ENV.put("IMGBOARD_HOME", home.toString());
        ENV.put("IMGBOARD_NO_BUILD", "1"); // what the reactor built, copied above
        for (String variable : List.of("IMGBOARD_KAFKA_PORT", "IMGBOARD_KAFKA_CONTROLLER_PORT", "IMGBOARD_POSTGRES_PORT",
                "IMGBOARD_S3_PORT", "IMGBOARD_LEDGER_PORT", "IMGBOARD_PREPROCESSOR_PORT", "IMGBOARD_INGEST_PORT",
                "IMGBOARD_DISPLAY_PORT")) {
            ENV.put(variable, Integer.toString(Ports.free()));
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (home != null && Files.exists(home.resolve("run"))) {
            run("down");
        }
        if (home != null && Files.isDirectory(home.resolve("logs"))) {
            // kept for a failure's post-mortem: the user's home goes
            Path kept = Path.of("target", "normal-user-logs");
            exec("rm", "-rf", kept.toString());
            exec("cp", "-R", home.resolve("logs").toString(), kept.toString());
        }
        if (userHome != null) {
            exec("rm", "-rf", userHome.toString());
        }
    }

    @Test
    void upStatusAndDownRunAsANormalUserWithItsHomeInAPrivateFolder() throws Exception {
        assertFalse(account.equals("root") || exec("id", "-u", account).output().trim().equals("0"),
                "the launcher would run as root");
        Result up = run("up", "--detach");
        assertEquals(0, up.code(), up.output());
        assertTrue(up.output().contains("img-board is up"), up.output());

        Result status = run("status");
        assertEquals(0, status.code(), status.output());
        for (String name : List.of("kafka", "s3", "postgres", "ledger-service", "preprocessor-service", "ingest-service",
                "display-service")) {
            assertTrue(status.output().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains("ready")),
                    name + " not ready in:\n" + status.output());
        }
        // Every process is the user's own, PostgreSQL included, and its cluster is in the state folder.
        JsonNode processes = Http.JSON.readTree(home.resolve("run/status.json").toFile()).get("processes");
        for (JsonNode p : processes) {
            long pid = p.get("pid").asLong();
            assertEquals(account, Files.getOwner(Path.of("/proc", Long.toString(pid))).getName(),
                    p.get("name").asText() + " (pid " + pid + ") runs as another user");
            String name = p.get("name").asText();
            if (name.endsWith("-service")) {
                // its temporary files (ingest's upload spool) in the state folder too, not a /tmp shared by every system
                String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
                Path tmp = home.resolve("work/" + name + "/tmp");
                assertTrue(cmdline.contains("-Djava.io.tmpdir=" + tmp + " ") && Files.isDirectory(tmp), name + ": " + cmdline);
            }
        }
        assertTrue(Files.isRegularFile(home.resolve("postgres/data/PG_VERSION")), "the cluster is not in the state folder");
        Http.Response ready = Http.get("http://127.0.0.1:" + ENV.get("IMGBOARD_DISPLAY_PORT") + "/q/health/ready");
        assertEquals(200, ready.status(), ready.text());
        Http.Response ledger = Http.get("http://127.0.0.1:" + ENV.get("IMGBOARD_LEDGER_PORT") + "/q/health/ready");
        assertEquals(200, ledger.status(), ledger.text());

        Set<Long> pids = StateProcesses.all(home);
        Result down = run("down");
        assertEquals(0, down.code(), down.output());
        StateProcesses.assertNoneLeft(home, pids, ENV);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(userHome)),
                "the user's home was loosened");
        assertEquals(account, Files.getOwner(home).getName(), "the state folder belongs to another user");
    }

    record Result(int code, String output) {
    }

    /** {@code ./imgboard ARGS} from the copied build, as the user, in its home. */
    private static Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (ROOT) {
            String uid = exec("id", "-u", USER).output().trim();
            String gid = exec("id", "-g", USER).output().trim();
            command.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
        }
        command.add(build.resolve("imgboard").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(userHome.toFile());
        for (String variable : List.of("IMGBOARD_ROOT", "IMGBOARD_ADMIN_TOKEN", "IMGBOARD_UPLOAD_TOKEN",
                "IMGBOARD_SERVICE_TOKEN", "USER", "LOGNAME")) {
            builder.environment().remove(variable);
        }
        builder.environment().putAll(ENV);
        return finish(builder, "./imgboard " + String.join(" ", args));
    }

    private static Result exec(String... command) throws Exception {
        return finish(new ProcessBuilder(command), String.join(" ", command));
    }

    private static Result finish(ProcessBuilder builder, String what) throws Exception {
        Path output = Files.createTempFile("imgboard-", ".log");
        try {
            Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
            assertTrue(process.waitFor(START.toMinutes(), TimeUnit.MINUTES), what + " did not finish:\n"
                    + Files.readString(output));
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
