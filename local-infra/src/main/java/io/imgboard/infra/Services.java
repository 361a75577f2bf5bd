package io.imgboard.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The four img-board services as processes: {@code java -jar <service>/target/quarkus-app/quarkus-run.jar}. */
public final class Services {
    /** Service names in start order, with their default ports (the original API's 8080 stays the frames' port). */
    public static final Map<String, Integer> DEFAULT_PORTS = defaults();

    /** The database each service with state owns, by service name (see {@link LocalInfra#DATABASES}). */
    public static final Map<String, String> DATABASES = Map.of("ledger-service", "ledger", "ingest-service", "ingest");

    /** Services that may run as several instances ({@code up --scale preprocessor=2}). */
    public static final List<String> SCALABLE = List.of("preprocessor-service", "display-service");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Services() {
    }

    private static Map<String, Integer> defaults() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("ledger-service", 8082);
        ports.put("preprocessor-service", 8083);
        ports.put("ingest-service", 8081);
        ports.put("display-service", 8080);
        return ports;
    }

    /** {@code IMGBOARD_INGEST_PORT} etc. */
    public static String portVariable(String service) {
        return "IMGBOARD_" + service.replace("-service", "").toUpperCase() + "_PORT";
    }

    /** The service an instance runs: {@code preprocessor-service-2} → {@code preprocessor-service}. */
    public static String serviceOf(String instance) {
        return instance.replaceFirst("-service-\\d+$", "-service");
    }

    /** {@code preprocessor-service} for the first instance, {@code preprocessor-service-2} for the second, … */
    public static String instanceName(String service, int number) {
        return number == 1 ? service : service + "-" + number;
    }

    public static ManagedProcess start(Layout layout, StateDir state, String instance, int port, Map<String, String> env,
                                       List<String> jvmOptions) {
        Ports.requireFree(port, instance, portVariable(serviceOf(instance)));
        // Temporary files (ingest's upload spool, the preprocessor's originals) in the state folder, one
        // folder per instance: nothing written outside it, and no two systems on a machine share a spool.
        List<String> options = new ArrayList<>();
        options.add("-Djava.io.tmpdir=" + state.dir("work/" + instance + "/tmp"));
        options.addAll(jvmOptions);
        List<String> command = new ArrayList<>(layout.javaCommand(options.toArray(String[]::new)));
        command.add("-jar");
        command.add(layout.serviceJar(serviceOf(instance)).toString());
        Map<String, String> withPort = new LinkedHashMap<>(env);
        withPort.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        return ManagedProcess.start(instance, command, withPort, state.dir("work/" + instance), state);
    }

    /** One look at {@code /q/health/ready}: the service's own check of its Kafka, database or S3. */
    public static boolean isReady(int port) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(readyUri(port)).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * True only when {@code /q/health/live} answers 503: the service says itself that a part of it
     * is dead. A timeout or a refused connection is not evidence (starting, or a busy machine).
     */
    public static boolean isLiveDown(int port) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/q/health/live")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 503;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static URI readyUri(int port) {
        return URI.create("http://127.0.0.1:" + port + "/q/health/ready");
    }

    /** Waits for {@code /q/health/ready} to answer 200. */
    public static void awaitReady(ManagedProcess process, int port, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            process.requireAlive();
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(readyUri(port))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InfraException("interrupted", e);
            }
            Sleeper.pause(Duration.ofMillis(250));
        }
        throw new InfraException(process.name() + " not ready after " + timeout.toSeconds() + " s (" + last + "); see "
                + process.logFile());
    }
}
