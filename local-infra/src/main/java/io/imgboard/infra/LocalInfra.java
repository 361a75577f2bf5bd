package io.imgboard.infra;

import io.imgboard.infra.Endpoints.Ports3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Kafka, PostgreSQL and the S3 server, started together as real processes, stopped together.
 * {@code ./imgboard up} uses it with fixed ports and the project's state folder; tests use it with
 * free ports and a temporary folder.
 */
public final class LocalInfra implements AutoCloseable {
    public static final String ORIGINALS_BUCKET = "imgboard-originals";
    public static final String RENDITIONS_BUCKET = "imgboard-renditions";
    public static final List<String> BUCKETS = List.of(ORIGINALS_BUCKET, RENDITIONS_BUCKET);
    /** One database per service that keeps state (services never share one): the ledger's and ingest's. */
    public static final List<String> DATABASES = List.of("ledger", "ingest");

    private final StateDir state;
    private final Endpoints endpoints;
    private final List<ManagedProcess> processes;
    private final boolean throwaway;
    private Process watchdog;

    private LocalInfra(StateDir state, Endpoints endpoints, List<ManagedProcess> processes, boolean throwaway) {
        this.state = state;
        this.endpoints = endpoints;
        this.processes = processes;
        this.throwaway = throwaway;
    }

    /**
     * For tests: the same servers, but nothing in them is worth a clean shutdown. They are killed
     * at once on close, and a watchdog kills them and deletes the state folder if this JVM dies
     * without closing them.
     */
    public static LocalInfra startThrowaway(Layout layout, StateDir state, Ports3 ports, Map<String, Boolean> topics) {
        LocalInfra infra = start(layout, state, ports, topics, true);
        infra.watchdog = Watchdog.guard(infra.processes.stream().filter(p -> !p.name().equals(PostgresServer.NAME))
                .map(ManagedProcess::pid).toList(), state.root().resolve(PostgresServer.NAME).resolve("data"), state.root());
        return infra;
    }

    public static LocalInfra start(Layout layout, StateDir state, Ports3 ports, Map<String, Boolean> topics) {
        return start(layout, state, ports, topics, false);
    }

    /**
     * Starts all three and waits until each answers. The three start in parallel (they do not
     * depend on each other), so start-up costs the slowest, Kafka's ≈ 3 s.
     */
    private static LocalInfra start(Layout layout, StateDir state, Ports3 ports, Map<String, Boolean> topics,
                                    boolean throwaway) {
        List<ManagedProcess> started = Collections.synchronizedList(new ArrayList<>());
        String pgPassword = state.secret("postgres-password");
        String s3Secret = state.secret("s3-secret-key");
        try {
            ManagedProcess kafka = KafkaServer.start(layout, state, ports.kafka(), ports.kafkaController());
            started.add(kafka);
            ManagedProcess s3 = S3Server.start(layout, state, ports.s3(), s3Secret, BUCKETS);
            started.add(s3);
            started.add(PostgresServer.start(state, ports.postgres(), pgPassword, DATABASES));
            S3Server.await(s3, ports.s3(), Duration.ofSeconds(60));
            String bootstrap = "127.0.0.1:" + ports.kafka();
            KafkaServer.awaitAndCreateTopics(kafka, bootstrap, topics, Duration.ofSeconds(90));
            Endpoints endpoints = new Endpoints(bootstrap,
                    PostgresServer.jdbcUrl(ports.postgres(), "ledger"), PostgresServer.USER, pgPassword,
                    S3Server.endpoint(ports.s3()), S3Server.ACCESS_KEY, s3Secret);
            return new LocalInfra(state, endpoints, started, throwaway);
        } catch (RuntimeException e) {
            new LocalInfra(state, null, started, throwaway).close();
            throw e;
        }
    }

    /**
     * A handle on servers another part of this JVM started (another class loader): it knows the
     * endpoints and owns no process, so closing it stops nothing.
     */
    public static LocalInfra attach(StateDir state, Endpoints endpoints) {
        return new LocalInfra(state, endpoints, new ArrayList<>(), true);
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public boolean throwaway() {
        return throwaway;
    }

    /**
     * Stops in reverse order of start: cleanly (PostgreSQL through pg_ctl, Kafka given time to
     * close its logs) for a state folder that is kept, at once for a throwaway one.
     */
    @Override
    public void close() {
        List<ManagedProcess> reversed = new ArrayList<>(processes);
        Collections.reverse(reversed);
        for (ManagedProcess process : reversed) {
            if (process.name().equals(PostgresServer.NAME)) {
                PostgresServer.stop(state, throwaway ? "immediate" : "fast");
            } else {
                process.stop(throwaway ? Duration.ZERO : Duration.ofSeconds(20));
            }
        }
        boolean owned = !processes.isEmpty();
        processes.clear();
        if (watchdog != null) {
            watchdog.destroyForcibly();
        }
        if (throwaway && owned) {
            deleteTree(state.root());
        }
    }

    private static void deleteTree(java.nio.file.Path root) {
        try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
