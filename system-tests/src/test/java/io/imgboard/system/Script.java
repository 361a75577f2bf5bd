package io.imgboard.system;

import io.imgboard.infra.Layout;
import io.imgboard.infra.ManagedProcess;
import io.imgboard.infra.Ports;
import io.imgboard.infra.PostgresServer;
import io.imgboard.infra.StateDir;
import org.apache.commons.io.FileUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The checkout's {@code ./imgboard} as a person runs it, for the launcher tests: from a private folder
 * (mode 700, like {@code mktemp -d} or {@code /root}) with its state folder below it on a path with
 * spaces, which PostgreSQL's own user cannot enter, on ports of its own, with no token in the
 * environment (the script makes them) and without building (the reactor has just built everything).
 */
final class Script {
    static final Duration START = Duration.ofMinutes(6);
    /** A bench starts a system of its own and runs it through its phases: more time than up alone. */
    static final Duration BENCH = Duration.ofMinutes(12);

    final Path privateFolder;
    final Path home;
    /** What every run of the script is given: IMGBOARD_HOME, IMGBOARD_NO_BUILD and the ports. */
    final Map<String, String> env;
    private final Path script;

    private Script(Path privateFolder, Path home, Map<String, String> env) {
        this.privateFolder = privateFolder;
        this.home = home;
        this.env = Collections.unmodifiableMap(env);
        this.script = Layout.find().projectRoot().resolve("imgboard");
    }

    static Script inPrivateFolder(String prefix) throws IOException {
        Path privateFolder = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(privateFolder, PosixFilePermissions.fromString("rwx------"));
        Path home = privateFolder.resolve("my photo frame").resolve("state folder");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("IMGBOARD_HOME", home.toString());
        env.put("IMGBOARD_NO_BUILD", "1");
        for (String variable : List.of("IMGBOARD_KAFKA_PORT", "IMGBOARD_KAFKA_CONTROLLER_PORT", "IMGBOARD_POSTGRES_PORT",
                "IMGBOARD_S3_PORT", "IMGBOARD_LEDGER_PORT", "IMGBOARD_PREPROCESSOR_PORT", "IMGBOARD_INGEST_PORT",
                "IMGBOARD_DISPLAY_PORT")) {
            env.put(variable, Integer.toString(Ports.free()));
        }
        return new Script(privateFolder, home, env);
    }

    /** {@code ./imgboard down} when a state folder was made, then the private folder and its PostgreSQL cluster go. */
    void cleanUp() throws Exception {
        if (Files.exists(home)) {
            run("down");
            Path external = PostgresServer.externalCluster(StateDir.existing(home));
            if (external != null) {
                FileUtils.deleteQuietly(external.toFile());
            }
        }
        FileUtils.deleteQuietly(privateFolder.toFile());
    }

    record Result(int code, String output) {
    }

    Result run(String... args) throws Exception {
        return run(command(args), args);
    }

    /** Runs {@code builder} (from {@link #command}) to its end, bounded: {@link #BENCH} for a bench, else {@link #START}. */
    Result run(ProcessBuilder builder, String... args) throws Exception {
        Path output = Files.createTempFile("imgboard-", ".log");
        try {
            Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
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

    ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(privateFolder.toFile());
        for (String variable : List.of("IMGBOARD_ADMIN_TOKEN", "IMGBOARD_UPLOAD_TOKEN", "IMGBOARD_SERVICE_TOKEN")) {
            builder.environment().remove(variable);
        }
        builder.environment().putAll(env);
        return builder;
    }
}
