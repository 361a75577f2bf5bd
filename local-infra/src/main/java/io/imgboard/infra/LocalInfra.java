package io.imgboard.infra;

import io.imgboard.infra.Endpoints.Ports3;
import org.apache.commons.io.FileUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
    private final Launch launch;
    private final boolean owned;
    private final Map<String, Supplier<ManagedProcess>> restarters;
    private final List<ManagedProcess> processes;
    private Process watchdog;

    private LocalInfra(StateDir state, Endpoints endpoints, Launch launch, boolean owned,
                       Map<String, Supplier<ManagedProcess>> restarters, List<ManagedProcess> processes) {
        this.state = state;
        this.endpoints = endpoints;
        this.launch = launch;
        this.owned = owned;
        this.restarters = restarters;
        this.processes = processes;
    }

    /**
     * For tests: the same servers, but nothing in them is worth a clean shutdown. They are killed
     * at once on close, and a watchdog kills them and deletes the state folder (and a cluster kept
     * outside it) if this JVM dies without closing them.
     */
    public static LocalInfra startThrowaway(Layout layout, StateDir state, Ports3 ports, Map<String, Boolean> topics) {
        return startThrowaway(layout, state, ports, topics, new Launch(false));
    }

    /** As above, into a launch that will also hold the services; closing the infrastructure closes it. */
    static LocalInfra startThrowaway(Layout layout, StateDir state, Ports3 ports, Map<String, Boolean> topics,
                                     Launch launch) {
        LocalInfra infra = start(layout, state, ports, topics, launch, true);
        infra.watchdog = Watchdog.guard(infra.processes.stream().filter(p -> !p.name().equals(PostgresServer.NAME))
                .map(ManagedProcess::pid).toList(), PostgresServer.dataDir(state), state.root(),
                PostgresServer.externalCluster(state));
        return infra;
    }

    public static LocalInfra start(Layout layout, StateDir state, Ports3 ports, Map<String, Boolean> topics) {
        return start(layout, state, ports, topics, new Launch(true), true);
    }

    /**
     * Starts all three into {@code launch} (which stops them; see {@link Launch}) and waits until
     * each answers. Kafka and the S3 server start in parallel with PostgreSQL's start, so start-up
     * costs the slowest, Kafka's ≈ 3 s.
     */
    public static LocalInfra start(Layout layout, StateDir state, Ports3 ports, Map<String, Boolean> topics, Launch launch) {
        return start(layout, state, ports, topics, launch, false);
    }

    private static LocalInfra start(Layout layout, StateDir state, Ports3 ports, Map<String, Boolean> topics,
                                    Launch launch, boolean owned) {
        String pgPassword = state.secret("postgres-password");
        String s3Secret = state.secret("s3-secret-key");
        List<ManagedProcess> processes = new ArrayList<>();
        Map<String, Supplier<ManagedProcess>> restarters = new java.util.LinkedHashMap<>();
        try {
            Supplier<ManagedProcess> kafkaStart = () -> KafkaServer.start(layout, state, ports.kafka(), ports.kafkaController());
            Supplier<ManagedProcess> s3Start = () -> S3Server.start(layout, state, ports.s3(), s3Secret, BUCKETS);
            Supplier<ManagedProcess> pgStart = () -> PostgresServer.start(state, ports.postgres(), pgPassword, DATABASES);
            restarters.put(KafkaServer.NAME, kafkaStart);
            restarters.put(S3Server.NAME, s3Start);
            restarters.put(PostgresServer.NAME, pgStart);
            ManagedProcess kafka = startInto(launch, KafkaServer.NAME, kafkaStart, processes, Duration.ofSeconds(20));
            ManagedProcess s3 = startInto(launch, S3Server.NAME, s3Start, processes, Duration.ofSeconds(10));
            processes.add(launch.start(PostgresServer.NAME, clean -> PostgresServer.stop(state, clean ? "fast" : "immediate"),
                    pgStart));
            S3Server.await(s3, ports.s3(), Duration.ofSeconds(60));
            String bootstrap = "127.0.0.1:" + ports.kafka();
            KafkaServer.awaitAndCreateTopics(kafka, bootstrap, topics, Duration.ofSeconds(90));
            Endpoints endpoints = new Endpoints(bootstrap,
                    PostgresServer.jdbcUrl(ports.postgres(), "ledger"), PostgresServer.USER, pgPassword,
                    S3Server.endpoint(ports.s3()), S3Server.ACCESS_KEY, s3Secret);
            return new LocalInfra(state, endpoints, launch, owned, restarters, processes);
        } catch (RuntimeException e) {
            if (owned) {
                new LocalInfra(state, null, launch, true, restarters, processes).close();
            }
            throw e;
        }
    }

    /** Starts a plain process into {@code launch}: stopped with {@code grace} (at once for throwaway state). */
    static ManagedProcess startInto(Launch launch, String name, Supplier<ManagedProcess> starter,
                                    List<ManagedProcess> started, Duration grace) {
        ManagedProcess[] holder = new ManagedProcess[1];
        ManagedProcess process = launch.start(name, clean -> {
            if (holder[0] != null) {
                holder[0].stop(clean ? grace : Duration.ZERO);
            }
        }, () -> {
            holder[0] = starter.get();
            return holder[0];
        });
        started.add(process);
        return process;
    }

    /**
     * A handle on servers another part of this JVM started (another class loader): it knows the
     * endpoints and owns no process, so closing it stops nothing.
     */
    public static LocalInfra attach(StateDir state, Endpoints endpoints) {
        return new LocalInfra(state, endpoints, new Launch(false), false, Map.of(), new ArrayList<>());
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public boolean throwaway() {
        return !launch.clean();
    }

    StateDir state() {
        return state;
    }

    /** How to start each server again (for the supervisor), by name. */
    Map<String, Supplier<ManagedProcess>> restarters() {
        return restarters;
    }

    List<ManagedProcess> processes() {
        return processes;
    }

    /**
     * Stops what it started, in reverse order: cleanly (PostgreSQL through pg_ctl, Kafka given time
     * to close its logs) for a state folder that is kept, at once for a throwaway one, which is
     * then deleted with any cluster kept outside it. A LocalInfra started into a caller's
     * {@link Launch} leaves stopping to that launch.
     */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        boolean started = !processes.isEmpty();
        Path external = PostgresServer.externalCluster(state);
        launch.close();
        processes.clear();
        if (watchdog != null) {
            watchdog.destroyForcibly();
        }
        if (throwaway() && started) {
            FileUtils.deleteQuietly(state.root().toFile());
            if (external != null) {
                FileUtils.deleteQuietly(external.toFile());
            }
        }
    }
}
