package io.imgboard.infra;

import io.imgboard.events.Topics;
import io.imgboard.infra.Endpoints.Ports3;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The whole system on one machine: the infrastructure plus the packaged services, each a process,
 * each waited for until its readiness check passes. {@code ./imgboard up} and the system tests
 * start it the same way; {@link #supervisor} keeps it running.
 */
public final class LocalSystem implements AutoCloseable {
    private static final Set<String> INTERNAL = Set.of("ledger-service", "preprocessor-service");
    /**
     * An explicit small initial heap: by default the JVM starts with 1/64 of the machine's memory (384 MB on
     * 24 GB, all of {@code -Xmx}), and its young generation, a third of that, is touched through and stays
     * resident though a service at rest lives in 20-30 MB. From 64 MB the heap grows only as a service needs it.
     */
    private static final List<String> SERVICE_JVM = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
    /**
     * The display holds every photo of the library in its heap (about 480 bytes each, see
     * {@code ./imgboard bench library}): 1 GB takes a library of a million photos. The heap grows only as
     * the library does, so a small library costs what it did with 384 MB.
     */
    private static final List<String> DISPLAY_JVM = List.of("-Xms64m", "-Xmx1g", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
    /** Where a second instance listens, relative to the first: display 8080 → 8180, preprocessor 8083 → 8183. */
    public static final int INSTANCE_PORT_STEP = 100;

    private final LocalInfra infra;
    private final Launch launch;
    private final boolean owned;
    private final Map<String, Integer> instancePorts;
    private final Credentials credentials;
    private final Map<String, ManagedProcess> services = new LinkedHashMap<>();
    private final Map<String, Supplier<ManagedProcess>> restarters = new LinkedHashMap<>();
    private Process watchdog;

    private LocalSystem(LocalInfra infra, Launch launch, boolean owned, Map<String, Integer> instancePorts,
                        Credentials credentials) {
        this.infra = infra;
        this.launch = launch;
        this.owned = owned;
        this.instancePorts = instancePorts;
        this.credentials = credentials;
    }

    /**
     * Starts everything into {@code launch}, which stops it (register its close as the shutdown path
     * first: see {@link Launch}). {@code instancePorts}: instance name ({@code display-service},
     * {@code display-service-2}, …) → port. {@code sources}: folder sources for ingest, id → path.
     */
    public static LocalSystem start(Layout layout, StateDir state, Ports3 infraPorts, Map<String, Integer> instancePorts,
                                    Credentials credentials, Map<String, Path> sources, Launch launch) {
        return start(layout, state, infraPorts, instancePorts, credentials, sources, launch, false);
    }

    /** For tests: throwaway infrastructure (see {@link LocalInfra#startThrowaway}) and services killed at once. */
    public static LocalSystem startThrowaway(Layout layout, StateDir state, Ports3 infraPorts,
                                             Map<String, Integer> instancePorts, Credentials credentials) {
        return start(layout, state, infraPorts, instancePorts, credentials, Map.of(), new Launch(false), true);
    }

    /**
     * For system tests written before the credentials were split: {@code token} is both the upload
     * and the admin token. New tests use {@link #startThrowaway(Layout, StateDir, Ports3, Map, Credentials)}
     * with {@link Credentials#random()}.
     */
    @Deprecated
    public static LocalSystem startThrowaway(Layout layout, StateDir state, Ports3 infraPorts,
                                             Map<String, Integer> servicePorts, String token) {
        return startThrowaway(layout, state, infraPorts, servicePorts,
                new Credentials(token, token, Credentials.random().service()));
    }

    /**
     * Every process needs a port of its own: two settings that name the same one (or a scaled instance's
     * port, 100 above its first, landing on another's) are refused before anything starts. Otherwise the
     * second process fails to bind again and again while the first answers its readiness checks.
     */
    static void requireDistinctPorts(Ports3 infra, Map<String, Integer> instances) {
        Map<Integer, String> owners = new LinkedHashMap<>();
        claim(owners, infra.kafka(), "Kafka (IMGBOARD_KAFKA_PORT)");
        claim(owners, infra.kafkaController(), "Kafka's controller (IMGBOARD_KAFKA_CONTROLLER_PORT)");
        claim(owners, infra.postgres(), "PostgreSQL (IMGBOARD_POSTGRES_PORT)");
        claim(owners, infra.s3(), "the S3 server (IMGBOARD_S3_PORT)");
        instances.forEach((instance, port) ->
                claim(owners, port, instance + " (" + Services.portVariable(Services.serviceOf(instance)) + ")"));
    }

    private static void claim(Map<Integer, String> owners, int port, String who) {
        String other = owners.putIfAbsent(port, who);
        if (other != null) {
            throw new InfraException("port " + port + " is given to both " + other + " and " + who
                    + ": every process needs a port of its own; set one of them to another port");
        }
    }

    private static LocalSystem start(Layout layout, StateDir state, Ports3 infraPorts, Map<String, Integer> instancePorts,
                                     Credentials credentials, Map<String, Path> sources, Launch launch, boolean owned) {
        // Check every port and jar before starting anything, so a clash costs nothing to undo.
        requireDistinctPorts(infraPorts, instancePorts);
        Ports.requireFree(infraPorts.kafka(), "Kafka", "IMGBOARD_KAFKA_PORT");
        Ports.requireFree(infraPorts.kafkaController(), "Kafka's controller", "IMGBOARD_KAFKA_CONTROLLER_PORT");
        Ports.requireFree(infraPorts.postgres(), "PostgreSQL", "IMGBOARD_POSTGRES_PORT");
        Ports.requireFree(infraPorts.s3(), "S3 server", "IMGBOARD_S3_PORT");
        instancePorts.forEach((instance, port) ->
                Ports.requireFree(port, instance, Services.portVariable(Services.serviceOf(instance))));
        instancePorts.keySet().forEach(instance -> layout.serviceJar(Services.serviceOf(instance)));

        boolean throwaway = !launch.clean();
        LocalInfra infra = owned && throwaway ? LocalInfra.startThrowaway(layout, state, infraPorts, Topics.ALL, launch)
                : LocalInfra.start(layout, state, infraPorts, Topics.ALL, launch);
        LocalSystem system = new LocalSystem(infra, launch, owned, instancePorts, credentials);
        try {
            // Each service gets the secrets it uses and no other (as in docker-compose.yml): the database's
            // password only where there is a database, the service token not for the preprocessor, which calls no
            // service. A variable set to null is removed from what the launcher itself inherited.
            Map<String, String> common = new LinkedHashMap<>(infra.endpoints().env());
            Endpoints.DATABASE_VARIABLES.forEach(variable -> common.put(variable, null));
            common.put(Credentials.SERVICE_VARIABLE, null);
            common.put(Credentials.ADMIN_VARIABLE, null);
            common.put(Credentials.UPLOAD_VARIABLE, null);
            common.put("IMGBOARD_SOURCES", null);
            common.put("IMGBOARD_LEDGER_URL", localUrl(firstPort(instancePorts, "ledger-service")));
            common.put("IMGBOARD_INGEST_URL", localUrl(firstPort(instancePorts, "ingest-service")));
            common.put("IMGBOARD_PREPROCESSOR_URL", localUrl(firstPort(instancePorts, "preprocessor-service")));
            common.put("IMGBOARD_DISPLAY_URL", localUrl(firstPort(instancePorts, "display-service")));
            // The supervisor's view of every process, for the ops page (see Supervisor).
            common.put("IMGBOARD_STATUS_FILE", Supervisor.statusFile(state).toString());
            // glibc gives each thread that touches malloc an arena of its own; libvips's worker
            // threads then hold hundreds of MB of freed native memory in the preprocessor.
            common.put("MALLOC_ARENA_MAX", "2");
            for (Map.Entry<String, Integer> instance : instancePorts.entrySet()) {
                String name = instance.getKey();
                String service = Services.serviceOf(name);
                Map<String, String> own = new LinkedHashMap<>(common);
                // Each service with state has its own database on the shared server.
                String database = Services.DATABASES.get(service);
                if (database != null) {
                    own.putAll(infra.endpoints().withDatabase(database).env());
                }
                if (!service.equals("preprocessor-service")) {
                    own.put(Credentials.SERVICE_VARIABLE, credentials.service());
                }
                // Credentials kept apart: the admin token for the two services with admin APIs, the
                // upload token for ingest only.
                if (service.equals("display-service") || service.equals("ingest-service")) {
                    own.put(Credentials.ADMIN_VARIABLE, credentials.admin());
                }
                if (service.equals("ingest-service")) {
                    own.put(Credentials.UPLOAD_VARIABLE, credentials.upload());
                    if (!sources.isEmpty()) {
                        own.put("IMGBOARD_SOURCES", sourcesVariable(sources));
                    }
                    // Where a source added through the API may be, besides the --source folders (ingest allows
                    // those itself): the caller's own list, and the folder `bench sources` makes its sources in.
                    own.put(SOURCE_ROOTS, sourceRoots(System.getenv(SOURCE_ROOTS), state));
                }
                // Frames on tablets and phones uploading reach display and ingest over the network;
                // the ledger and preprocessor answer queries without a credential, so loopback only.
                own.put("QUARKUS_HTTP_HOST", INTERNAL.contains(service) ? "127.0.0.1" : "0.0.0.0");
                Supplier<ManagedProcess> starter = () -> Services.start(layout, state, name, instance.getValue(), own,
                        service.equals("display-service") ? DISPLAY_JVM : SERVICE_JVM);
                system.restarters.put(name, starter);
                system.services.put(name, LocalInfra.startInto(launch, name, starter, new ArrayList<>(), Duration.ofSeconds(20)));
            }
            // While the services start: the broker's produce and fetch paths, so the first photo does not meet them cold.
            KafkaServer.warmUp(infra.endpoints().kafkaBootstrap(), state.logFile("kafka-warm-up"));
            if (owned && throwaway) {
                system.watchdog = Watchdog.guard(system.services.values().stream().map(ManagedProcess::pid).toList(), null, null);
            }
            awaitReady(system.services, instancePorts);
            return system;
        } catch (RuntimeException e) {
            if (owned) {
                system.close();
            }
            throw e;
        }
    }

    static final String SOURCE_ROOTS = "IMGBOARD_SOURCE_ROOTS";

    /** {@code IMGBOARD_SOURCE_ROOTS} for ingest: {@code inherited} (may be null) and the state's bench folder. */
    static String sourceRoots(String inherited, StateDir state) {
        String bench = state.root().resolve("bench").toAbsolutePath().toString();
        return inherited == null || inherited.isBlank() ? bench : inherited + ";" + bench;
    }

    /** {@code IMGBOARD_SOURCES}: {@code id=path;id=path}, the format ingest reads. */
    public static String sourcesVariable(Map<String, Path> sources) {
        return sources.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }

    private static int firstPort(Map<String, Integer> instancePorts, String service) {
        Integer port = instancePorts.get(service);
        return port != null ? port : Services.DEFAULT_PORTS.get(service);
    }

    /** Service name → port, from {@code IMGBOARD_<NAME>_PORT} or the defaults. */
    public static Map<String, Integer> configuredServicePorts(Function<String, String> env) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Services.DEFAULT_PORTS.forEach((service, port) ->
                ports.put(service, Main.port(env.apply(Services.portVariable(service)), Services.portVariable(service), port)));
        return ports;
    }

    /**
     * Instance name → port for {@code scale} (service → instances, 1 when absent): the service's
     * own port for the first instance, then {@link #INSTANCE_PORT_STEP} apart.
     */
    public static Map<String, Integer> instancePorts(Map<String, Integer> servicePorts, Map<String, Integer> scale) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        servicePorts.forEach((service, port) -> {
            int count = scale.getOrDefault(service, 1);
            for (int i = 1; i <= count; i++) {
                ports.put(Services.instanceName(service, i), port + (i - 1) * INSTANCE_PORT_STEP);
            }
        });
        return ports;
    }

    public static Map<String, Integer> freeServicePorts() {
        return freeInstancePorts(Map.of());
    }

    /** Free ports for every instance, for tests; {@code scale} as in {@link #instancePorts}. */
    public static Map<String, Integer> freeInstancePorts(Map<String, Integer> scale) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Services.DEFAULT_PORTS.keySet().forEach(service -> {
            for (int i = 1; i <= scale.getOrDefault(service, 1); i++) {
                ports.put(Services.instanceName(service, i), Ports.free());
            }
        });
        return ports;
    }

    public static String localUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** The URL of an instance ({@code display-service}, {@code display-service-2}, …). */
    public String url(String instance) {
        return localUrl(instancePorts.get(instance));
    }

    public Map<String, Integer> servicePorts() {
        return Map.copyOf(instancePorts);
    }

    public Credentials credentials() {
        return credentials;
    }

    public Endpoints endpoints() {
        return infra.endpoints();
    }

    /** The process running an instance now (after a restart, the new one). */
    public ManagedProcess process(String instance) {
        synchronized (services) {
            return services.get(instance);
        }
    }

    public boolean anyServiceAlive() {
        synchronized (services) {
            return services.values().stream().anyMatch(ManagedProcess::isAlive);
        }
    }

    /**
     * A supervisor for everything this system started: it restarts what dies and writes the status
     * file. Run it on a thread of its own ({@link Supervisor#run}); it ends when the launch closes.
     */
    public Supervisor supervisor(StateDir state) {
        List<Supervisor.Unit> units = new ArrayList<>();
        Map<String, Integer> infraPorts = Map.of(KafkaServer.NAME, portOf(infra.endpoints().kafkaBootstrap()),
                S3Server.NAME, portOf(infra.endpoints().s3Endpoint()),
                PostgresServer.NAME, portOf(infra.endpoints().jdbcUrl().replaceFirst("/[^/]*$", "")));
        for (ManagedProcess process : infra.processes()) {
            int port = infraPorts.get(process.name());
            Supervisor.Unit unit = new Supervisor.Unit(process.name(), "infrastructure", port, process,
                    infra.restarters().get(process.name()), () -> Ports.isListening(port));
            if (process.name().equals(KafkaServer.NAME)) {
                // A broker started again is as cold as at up: the next photo would meet its produce and fetch paths first.
                // Its port opens before it serves (a broker killed recovers its logs first): three tries, 5 s apart.
                unit.whenReadyAgain(() -> {
                    for (int attempt = 1; !KafkaServer.warmUp(infra.endpoints().kafkaBootstrap(),
                            state.logFile("kafka-warm-up")) && attempt < 3; attempt++) {
                        Sleeper.pause(Duration.ofSeconds(5));
                    }
                });
            }
            units.add(unit);
        }
        synchronized (services) {
            services.forEach((name, process) -> {
                int port = instancePorts.get(name);
                units.add(new Supervisor.Unit(name, "service", port, process, restarters.get(name), () -> Services.isReady(port),
                        () -> Services.isLiveDown(port)));
            });
        }
        return new Supervisor(state, launch, units, (name, process) -> {
            synchronized (services) {
                if (services.containsKey(name)) {
                    services.put(name, process);
                }
            }
        });
    }

    private static int portOf(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Services first (newest first), then the infrastructure; for a system started into a caller's launch, nothing. */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        infra.close(); // closes the launch: the services first, then the servers, then deletes throwaway state
        if (watchdog != null) {
            watchdog.destroyForcibly();
        }
    }

    private static void awaitReady(Map<String, ManagedProcess> services, Map<String, Integer> ports) {
        ExecutorService pool = Executors.newFixedThreadPool(services.size());
        try {
            List<Future<?>> waits = new ArrayList<>();
            for (ManagedProcess service : services.values()) {
                waits.add(pool.submit(() -> Services.awaitReady(service, ports.get(service.name()), Duration.ofSeconds(180))));
            }
            for (Future<?> wait : waits) {
                try {
                    wait.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new InfraException(e.getCause().toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InfraException("interrupted while waiting for the services");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
