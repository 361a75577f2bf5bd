package io.imgboard.infra;

import io.imgboard.events.Topics;
import io.imgboard.infra.Endpoints.Ports3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole system on one machine: the infrastructure plus the four packaged services, each a
 * process, each waited for until its readiness check passes. {@code ./imgboard up} and the
 * system tests start it the same way.
 */
public final class LocalSystem implements AutoCloseable {
    private static final java.util.Set<String> INTERNAL = java.util.Set.of("ledger-service", "preprocessor-service");
    private static final List<String> SERVICE_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

    private final LocalInfra infra;
    private final Map<String, Integer> servicePorts;
    private final List<ManagedProcess> services;
    private Process watchdog;

    private LocalSystem(LocalInfra infra, Map<String, Integer> servicePorts, List<ManagedProcess> services) {
        this.infra = infra;
        this.servicePorts = servicePorts;
        this.services = services;
    }

    public static LocalSystem start(Layout layout, StateDir state, Ports3 infraPorts, Map<String, Integer> servicePorts,
                                    String uploadToken) {
        return start(layout, state, infraPorts, servicePorts, uploadToken, false);
    }

    /** For tests: throwaway infrastructure (see {@link LocalInfra#startThrowaway}) and services killed at once. */
    public static LocalSystem startThrowaway(Layout layout, StateDir state, Ports3 infraPorts,
                                             Map<String, Integer> servicePorts, String uploadToken) {
        return start(layout, state, infraPorts, servicePorts, uploadToken, true);
    }

    private static LocalSystem start(Layout layout, StateDir state, Ports3 infraPorts, Map<String, Integer> servicePorts,
                                     String uploadToken, boolean throwaway) {
        // Check every port and jar before starting anything, so a clash costs nothing to undo.
        servicePorts.forEach((service, port) -> Ports.requireFree(port, service, Services.portVariable(service)));
        servicePorts.keySet().forEach(layout::serviceJar);

        LocalInfra infra = throwaway ? LocalInfra.startThrowaway(layout, state, infraPorts, Topics.ALL)
                : LocalInfra.start(layout, state, infraPorts, Topics.ALL);
        List<ManagedProcess> services = new ArrayList<>();
        LocalSystem system = new LocalSystem(infra, servicePorts, services);
        try {
            Map<String, String> env = new LinkedHashMap<>(infra.endpoints().env());
            env.put("IMGBOARD_UPLOAD_TOKEN", uploadToken);
            env.put("IMGBOARD_LEDGER_URL", localUrl(servicePorts.get("ledger-service")));
            env.put("IMGBOARD_INGEST_URL", localUrl(servicePorts.get("ingest-service")));
            env.put("IMGBOARD_PREPROCESSOR_URL", localUrl(servicePorts.get("preprocessor-service")));
            env.put("IMGBOARD_DISPLAY_URL", localUrl(servicePorts.get("display-service")));
            // glibc gives each thread that touches malloc an arena of its own; libvips's worker
            // threads then hold hundreds of MB of freed native memory in the preprocessor.
            env.put("MALLOC_ARENA_MAX", "2");
            for (Map.Entry<String, Integer> service : servicePorts.entrySet()) {
                Map<String, String> own = new LinkedHashMap<>(env);
                // Each service with state has its own database on the shared server.
                String database = Services.DATABASES.get(service.getKey());
                if (database != null) {
                    own.putAll(infra.endpoints().withDatabase(database).env());
                }
                // Frames on tablets and phones uploading reach display and ingest over the network;
                // the ledger and preprocessor answer queries without a credential, so loopback only.
                own.put("QUARKUS_HTTP_HOST", INTERNAL.contains(service.getKey()) ? "127.0.0.1" : "0.0.0.0");
                services.add(Services.start(layout, state, service.getKey(), service.getValue(), own, SERVICE_JVM));
            }
            if (throwaway) {
                system.watchdog = Watchdog.guard(services.stream().map(ManagedProcess::pid).toList(), null, null);
            }
            awaitReady(services, servicePorts);
            return system;
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    /** Service name → port, from {@code IMGBOARD_<NAME>_PORT} or the defaults. */
    public static Map<String, Integer> configuredServicePorts(java.util.function.Function<String, String> env) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Services.DEFAULT_PORTS.forEach((service, port) ->
                ports.put(service, Main.port(env.apply(Services.portVariable(service)), Services.portVariable(service), port)));
        return ports;
    }

    public static Map<String, Integer> freeServicePorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Services.DEFAULT_PORTS.keySet().forEach(service -> ports.put(service, Ports.free()));
        return ports;
    }

    public static String localUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    public String url(String service) {
        return localUrl(servicePorts.get(service));
    }

    public Map<String, Integer> servicePorts() {
        return Map.copyOf(servicePorts);
    }

    public boolean anyServiceAlive() {
        return services.stream().anyMatch(ManagedProcess::isAlive);
    }

    /** Services first (newest first), then the infrastructure. */
    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).stop(infra.throwaway() ? Duration.ZERO : Duration.ofSeconds(20));
        }
        services.clear();
        infra.close();
        if (watchdog != null) {
            watchdog.destroyForcibly();
        }
    }

    private static void awaitReady(List<ManagedProcess> services, Map<String, Integer> ports) {
        ExecutorService pool = Executors.newFixedThreadPool(services.size());
        try {
            List<Future<?>> waits = new ArrayList<>();
            for (ManagedProcess service : services) {
                waits.add(pool.submit(() -> Services.awaitReady(service, ports.get(service.name()), Duration.ofSeconds(120))));
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
