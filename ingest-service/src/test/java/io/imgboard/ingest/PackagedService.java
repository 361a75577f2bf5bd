package io.imgboard.ingest;

import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/** The packaged service ({@code target/quarkus-app}) as a real process, for {@code *IT}s. */
public final class PackagedService implements AutoCloseable {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    /** The packaged service's environment on the real S3 server and PostgreSQL, with this upload token and broker. */
    public static Map<String, String> env(String uploadToken, String kafkaBootstrap) {
        Endpoints real = LocalInfraResource.shared().endpoints().withDatabase("ingest");
        return new HashMap<>(Map.of(
                "IMGBOARD_UPLOAD_TOKEN", uploadToken,
                "KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap,
                "IMGBOARD_S3_ENDPOINT", real.s3Endpoint(),
                "IMGBOARD_S3_ACCESS_KEY", real.s3AccessKey(),
                "IMGBOARD_S3_SECRET_KEY", real.s3SecretKey(),
                "QUARKUS_DATASOURCE_JDBC_URL", real.jdbcUrl(),
                "QUARKUS_DATASOURCE_USERNAME", real.dbUser(),
                "QUARKUS_DATASOURCE_PASSWORD", real.dbPassword()));
    }
    private static final Pattern LISTENING = Pattern.compile("Listening on: https?://[^:]+:(\\d+)");

    private final Process process;
    private final Path log;

    private PackagedService(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the jar in the prod profile with only the given environment (no inherited IMGBOARD_ or
     * QUARKUS_ variables) on a free port.
     */
    public static PackagedService start(Path workDir, Map<String, String> env, Map<String, String> systemProperties) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " not built");
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        Path log = workDir.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("IMGBOARD_") || k.startsWith("QUARKUS_")
                || k.startsWith("KAFKA_"));
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        builder.environment().putAll(env);
        try {
            return new PackagedService(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for "Listening on" and returns the port. */
    public int awaitListening() {
        return await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the service exited: " + output());
                    }
                    Matcher m = LISTENING.matcher(output());
                    return m.find() ? Integer.parseInt(m.group(1)) : null;
                }, port -> port != null);
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the service kept running: " + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
