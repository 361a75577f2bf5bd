package io.imgboard.infra.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.Endpoints.Ports3;
import io.imgboard.infra.InfraException;
import io.imgboard.infra.Launch;
import io.imgboard.infra.Layout;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.PostgresServer;
import io.imgboard.infra.StateDir;
import io.imgboard.infra.Supervisor;
import org.apache.commons.io.FileUtils;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The whole system for one chaos or soak run: Kafka, PostgreSQL, the S3 server and the four
 * services started by {@link LocalSystem} with a folder source, kept running by the same
 * {@link Supervisor} as {@code ./imgboard up}, on free ports in a state folder of its own (so a run
 * never touches the data of {@code up}). The state folder is deleted afterwards unless asked to keep
 * it; a failed run keeps it, for its logs. {@code ./imgboard bench pipeline} measures on one too.
 */
public final class ChaosStack implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final Duration REQUEST = Duration.ofSeconds(60);

    final Path home;
    final StateDir state;
    final Path folder;
    final Path staging;
    final Credentials credentials;
    private final Launch launch = new Launch(false);
    private final Thread shutdownHook;
    private LocalSystem system;
    private Process guard;
    private volatile boolean keep;

    private ChaosStack(Path home) {
        this.home = home;
        this.state = new StateDir(home.resolve("state"));
        this.folder = home.resolve("folder-source");
        this.staging = home.resolve("staging");
        this.credentials = Credentials.random();
        this.shutdownHook = new Thread(this::stopAndClean, "chaos-stop");
    }

    static ChaosStack start(Layout layout, PrintStream out) {
        return start(layout, out, "chaos");
    }

    /** A system of its own; {@code label} names the run in what it prints and in its temporary folder. */
    public static ChaosStack start(Layout layout, PrintStream out, String label) {
        Path home;
        try {
            home = Files.createTempDirectory("imgboard-" + label + "-");
        } catch (IOException e) {
            throw new InfraException("cannot create a state folder for the chaos run: " + e.getMessage(), e);
        }
        ChaosStack stack = new ChaosStack(home);
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            Files.createDirectories(stack.folder);
            Files.createDirectories(stack.staging);
            long began = System.nanoTime();
            out.println(label + ": starting Kafka, PostgreSQL, the S3 server and the four services in " + home + " …");
            stack.system = LocalSystem.start(layout, stack.state, Ports3.free(), LocalSystem.freeServicePorts(),
                    stack.credentials, Map.of("chaos", stack.folder), stack.launch);
            Supervisor supervisor = stack.system.supervisor(stack.state);
            Thread supervising = new Thread(supervisor, "chaos-supervisor");
            supervising.setDaemon(true);
            supervising.start();
            stack.guard = guard(stack.state, home);
            out.printf(label + ": up in %.1f s%n", (System.nanoTime() - began) / 1e9);
            return stack;
        } catch (RuntimeException | IOException e) {
            stack.keep = true;
            stack.close();
            throw e instanceof RuntimeException r ? r : new InfraException(e.getMessage(), e);
        }
    }

    /**
     * Like the tests' {@link io.imgboard.infra.Watchdog}, but the processes are read from the pid
     * files when this JVM is gone, not fixed at start: the supervisor replaces them during the run.
     */
    private static Process guard(StateDir state, Path home) {
        Path run = state.root().resolve("run");
        Path data = PostgresServer.dataDir(state);
        String pgCtl = "'" + Layout.postgresBin().resolve("pg_ctl") + "' -D '" + data + "' -m immediate stop";
        String script = "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do sleep 1; done; "
                + "for f in '" + run + "'/*.pid; do [ -f \"$f\" ] && kill -9 $(head -n 1 \"$f\") 2>/dev/null; done; "
                + "[ -f '" + data + "/postmaster.pid' ] && "
                + ("root".equals(System.getProperty("user.name")) ? "runuser -u postgres -- " : "") + pgCtl + " >/dev/null 2>&1";
        try {
            return new ProcessBuilder("/bin/sh", "-c", script).directory(home.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new InfraException("cannot start the chaos run's watchdog: " + e.getMessage(), e);
        }
    }

    public String url(String service) {
        return system.url(service);
    }

    public String kafkaBootstrap() {
        return system.endpoints().kafkaBootstrap();
    }

    /** A process's log file in this run's state folder ({@code preprocessor-service}, {@code kafka}, …). */
    public Path log(String name) {
        return state.logFile(name);
    }

    /** The pid of each running process, as its pid file names it. */
    public Map<String, Long> pids() {
        Map<String, Long> pids = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(state.root().resolve("run"))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".pid"))::iterator) {
                String name = file.getFileName().toString().replaceFirst("\\.pid$", "");
                try {
                    pids.put(name, Long.parseLong(Files.readAllLines(file).get(0).strip()));
                } catch (IOException | RuntimeException unreadable) {
                    // a process between restarts: left out
                }
            }
        } catch (IOException e) {
            // no run folder: nothing running
        }
        return pids;
    }

    Map<String, Integer> ports() {
        return system.servicePorts();
    }

    /** Keep the state folder (its logs) after the run. */
    public void keep() {
        keep = true;
    }

    boolean kept() {
        return keep;
    }

    // --- the three doors ----------------------------------------------------------------------------

    /** {@code curl -H 'Authorization: Bearer <upload token>' -F file=@name …/api/v1/uploads}. */
    public HttpResponse<String> upload(String name, byte[] jpeg) throws IOException, InterruptedException {
        String boundary = "chaos-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("ingest-service") + "/api/v1/uploads"))
                .timeout(REQUEST)
                .header("Authorization", "Bearer " + credentials.upload())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofByteArray(jpeg), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** An operator's "reprocess every photo" ({@code POST /api/v1/jobs/reprocess} on the ledger, service token). */
    public HttpResponse<String> reprocessAll() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("ledger-service") + "/api/v1/jobs/reprocess"))
                .timeout(REQUEST)
                .header("Authorization", "Bearer " + credentials.service())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scope\":\"all\"}"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The ledger's current job ({@code GET /api/v1/jobs/current}) as JSON: its state, total, done, failed. */
    public com.fasterxml.jackson.databind.JsonNode currentJob() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("ledger-service") + "/api/v1/jobs/current"))
                .timeout(REQUEST).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** A WebDAV client's {@code PUT /dav/<name>} with the upload token. */
    HttpResponse<String> davPut(String name, byte[] jpeg) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("ingest-service") + "/dav/"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8)))
                .timeout(REQUEST)
                .header("Authorization", "Bearer " + credentials.upload())
                .header("Content-Type", "image/jpeg")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(jpeg))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A file that appears whole in the folder source, as a sync tool's rename makes it appear. */
    void dropIntoFolder(String name, byte[] jpeg) throws IOException {
        Path part = staging.resolve(name + ".part");
        Files.write(part, jpeg);
        Files.move(part, folder.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    // --- what the ledger knows ----------------------------------------------------------------------

    JsonNode ledgerStats() throws IOException, InterruptedException {
        return getJson(url("ledger-service") + "/api/v1/stats");
    }

    /** Every photo the ledger lists, all statuses, page by page. */
    List<JsonNode> ledgerPhotos() throws IOException, InterruptedException {
        List<JsonNode> photos = new ArrayList<>();
        String cursor = null;
        do {
            String uri = url("ledger-service") + "/api/v1/photos?limit=500"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(REQUEST).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("ledger answered " + response.statusCode() + " to " + uri + ": " + response.body());
            }
            JSON.readTree(response.body()).forEach(photos::add);
            cursor = response.headers().firstValue("X-Next-Cursor").orElse(null);
        } while (cursor != null);
        return photos;
    }

    /** The ledger's delete of one photo (the service credential: the same call the display's admin page makes). */
    int deletePhoto(String photoId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("ledger-service") + "/api/v1/photos/"
                        + URLEncoder.encode(photoId, StandardCharsets.UTF_8)))
                .timeout(REQUEST).header("Authorization", "Bearer " + credentials.service()).DELETE().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static JsonNode getJson(String uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyStopping) {
            // the hook runs now and does the same
        }
        stopAndClean();
    }

    private synchronized void stopAndClean() {
        launch.close();
        if (guard != null) {
            guard.destroyForcibly();
        }
        if (!keep) {
            Path external = PostgresServer.externalCluster(state);
            FileUtils.deleteQuietly(home.toFile());
            if (external != null) {
                FileUtils.deleteQuietly(external.toFile());
            }
        }
    }
}
