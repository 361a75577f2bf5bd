package io.imgboard.display.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A healthy, busy neighbourhood for the ops page's tests (Kafka is the real one from LocalInfraResource):
 * ingest, ledger and preprocessor stand-ins whose {@code /q/metrics} counters grow on every read (uploads,
 * files found, processed and now and then a failure, in Micrometer's Prometheus text), a ledger whose database
 * check is down and a preprocessor whose libvips check is up with a warning, a folder source with
 * an error, dead letters the ledger replays only with the service token, and a supervisor status file with
 * restarts. Started after {@link Neighbours}, so its addresses win for the classes that use it.
 */
public class OpsNeighbours implements QuarkusTestResourceLifecycleManager {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String VERSION = "9.8.7-ops-test";
    /** The ledger is down: its database check fails with this error. */
    public static final String LEDGER_DOWN = "cannot reach PostgreSQL at 127.0.0.1:5432 (connection refused)";
    /** The preprocessor's libvips check is up with this warning, as when the build asked for could not be loaded. */
    public static final String LIBVIPS_WARNING = "cannot load libvips (/opt/libvips-cpp.so.8.18.7): file too short;"
            + " running on Debian's libvips 8.14.1 instead";
    /** What the ledger's replay route received: {@code <id> <Authorization>}. */
    public static final CopyOnWriteArrayList<String> REPLAYS = new CopyOnWriteArrayList<>();
    private static final AtomicInteger READS = new AtomicInteger();

    private HttpServer ingest;
    private HttpServer ledger;
    private HttpServer preprocessor;
    private Path status;
    private java.util.concurrent.ScheduledExecutorService rewriter;
    private final Map<Long, String> replayed = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public int order() {
        return 1000;
    }

    @Override
    public Map<String, String> start() {
        try {
            ingest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ledger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            preprocessor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            status = Files.createTempFile("imgboard-ops-status-", ".json");
            Files.writeString(status, statusFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // rewritten every 5 s, as a running supervisor does (one that stops rewriting is reported gone)
        rewriter = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ops-status-rewriter");
            t.setDaemon(true);
            return t;
        });
        rewriter.scheduleAtFixedRate(() -> {
            try { // atomically, as the supervisor writes it
                Path next = Files.writeString(status.resolveSibling(status.getFileName() + ".next"), statusFile());
                Files.move(next, status, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // the next round tries again
            }
        }, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
        for (HttpServer server : new HttpServer[]{ingest, ledger, preprocessor}) {
            String checks = server == preprocessor
                    ? "{\"name\":\"ready\",\"status\":\"UP\"},{\"name\":\"libvips\",\"status\":\"UP\",\"data\":{"
                            + "\"version\":\"8.14.1\",\"warning\":\"" + LIBVIPS_WARNING + "\"}}"
                    : server == ledger
                    ? "{\"name\":\"ready\",\"status\":\"UP\"},{\"name\":\"postgresql\",\"status\":\"DOWN\",\"data\":{"
                            + "\"error\":\"" + LEDGER_DOWN + "\"}}"
                    : "{\"name\":\"ready\",\"status\":\"UP\"}";
            boolean down = server == ledger;
            server.createContext("/q/health", exchange -> answer(exchange, down ? 503 : 200, "application/json",
                    "{\"status\":\"" + (down ? "DOWN" : "UP") + "\",\"checks\":[" + checks + "]}"));
            server.createContext("/q/openapi", exchange -> answer(exchange, 200, "application/json",
                    "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"stand-in\",\"version\":\"" + VERSION + "\"}}"));
        }
        // Counters that only grow, each read a little more than the last, at gently changing rates.
        ingest.createContext("/q/metrics", exchange -> {
            int n = READS.incrementAndGet();
            answer(exchange, 200, "text/plain", ""
                    + "# TYPE imgboard_uploads_total counter\n"
                    + "imgboard_uploads_total{status=\"created\"} " + (2.5 * n + 4 * Math.sin(n / 6.0)) + "\n"
                    + "imgboard_uploads_total{status=\"duplicate\"} " + (0.4 * n) + "\n"
                    + "imgboard_uploads_total{status=\"failed\"} 0.0\n"
                    + "# TYPE imgboard_source_files_total counter\n"
                    + "imgboard_source_files_total{outcome=\"created\",source=\"nas\"} " + (1.5 * n + 3 * Math.sin(n / 9.0 + 1)) + "\n");
        });
        ingest.createContext("/api/v1/uploads/rejections", exchange -> answer(exchange, 200, "application/json",
                "[{\"name\":\"notes.txt\",\"reason\":\"not an image\",\"status\":415,\"at\":\"" + Instant.now() + "\"},"
                        // a name as long as ingest keeps one (255), without a space
                        + "{\"name\":\"" + "y".repeat(251) + ".jpg\",\"reason\":\"the name is too long\",\"status\":400,"
                        + "\"at\":\"" + Instant.now() + "\"}]"));
        ingest.createContext("/api/v1/sources", exchange -> {
            ArrayNode sources = JSON.createArrayNode();
            sources.addObject().put("id", "nas").put("path", "/mnt/photos").put("state", "watching").put("scanning", false)
                    .put("lastScanAt", Instant.now().minusSeconds(40).toString()).put("lastScanMillis", 812)
                    // ingest's ScanReport as it is
                    .putPOJO("lastScan", new java.util.LinkedHashMap<>(Map.ofEntries(Map.entry("source", "nas"),
                            Map.entry("simulated", false), Map.entry("startedAt", Instant.now().minusSeconds(41).toString()),
                            Map.entry("millis", 812), Map.entry("discovered", 1204), Map.entry("new", 12),
                            Map.entry("duplicate", 0), Map.entry("skipped", Map.of("not an image", 3)), Map.entry("failed", 0),
                            Map.entry("pending", 1), Map.entry("removed", 0), Map.entry("archived", 0), Map.entry("deleted", 0),
                            Map.entry("hashed", 13), Map.entry("held", false), Map.entry("errors", java.util.List.of()))))
                    .putPOJO("totals", Map.of("imported", 1190, "pending", 14, "failed", 0, "skipped", Map.of("not an image", 3)))
                    .putArray("errors");
            sources.addObject().put("id", "phone-backup").put("path", "/mnt/phone").put("state", "unavailable")
                    .put("scanning", false).putNull("lastScanAt").putNull("lastScanMillis").putPOJO("lastScan", Map.of())
                    .putArray("errors").add("folder /mnt/phone is not readable (permission denied)");
            sources.addObject().put("id", "icloud").put("path", "/mnt/icloud").put("state", "warning").put("scanning", false)
                    .put("lastScanAt", Instant.now().minusSeconds(20).toString()).put("lastScanMillis", 40).putPOJO("lastScan", Map.of())
                    .putArray("errors").add("a file such as IMG_0001.JPG left out only by the case of the include globs (*.jpg)");
            // a folder that is not there: its scans fail at once and find nothing, which is not "found nothing"
            sources.addObject().put("id", "arch").put("path", "/mnt/archive").put("state", "error").put("scanning", false)
                    .put("lastScanAt", Instant.now().minusSeconds(5).toString()).put("lastScanMillis", 0)
                    .putPOJO("lastScan", Map.of("source", "arch", "discovered", 0, "new", 0, "millis", 0))
                    .putArray("errors").add("folder /mnt/archive does not exist");
            answer(exchange, 200, "application/json", sources.toString());
        });
        preprocessor.createContext("/q/metrics", exchange -> {
            int n = READS.get();
            answer(exchange, 200, "text/plain", ""
                    + "# TYPE imgboard_preprocessor_results_total counter\n"
                    + "imgboard_preprocessor_results_total{outcome=\"processed\"} " + (3.5 * n + 5 * Math.sin(n / 7.0 + 2)) + "\n"
                    + "imgboard_preprocessor_results_total{outcome=\"failed\"} " + (0.3 * n + 0.25 * Math.sin(n / 4.0)) + "\n"
                    + "imgboard_preprocessor_results_total{outcome=\"refused\"} 1.0\n"
                    // a longer name that starts with the counter's: must not be added to it
                    + "imgboard_preprocessor_results_total_created{outcome=\"processed\"} 1.7E9\n");
        });
        ledger.createContext("/api/v1/dead-letters", this::deadLetters);
        ledger.createContext("/api/v1/stats", exchange -> answer(exchange, 200, "application/json",
                "{\"photos\":1240,\"ready\":1228,\"pending\":9,\"failed\":3,\"origins\":1302,\"duplicates\":62,"
                        + "\"twins\":4,\"retired\":9,\"hidden\":15,\"deleted\":3,\"shown\":1201,\"stages\":{},\"sources\":{}}"));
        ledger.createContext("/api/v1/failures", exchange -> answer(exchange, 200, "application/json", "[]"));
        ledger.createContext("/api/v1/skipped", exchange -> answer(exchange, 200, "application/json",
                "{\"total\":212,\"files\":[{\"sourceId\":\"folder:nas\",\"path\":\"2024/07/IMG_2041.MOV\",\"name\":"
                        + "\"IMG_2041.MOV\",\"size\":48234496,\"reason\":\"not an image (video/quicktime)\",\"skippedAt\":\""
                        + Instant.now().minusSeconds(90) + "\"},"
                        // a name whose right-to-left override would show "gpj.txt" as "txt.jpg"
                        + "{\"sourceId\":\"dav:phone\",\"path\":\"r/report\\u202Egpj.txt\",\"name\":\"report\\u202Egpj.txt\","
                        + "\"size\":12,\"reason\":\"not an image\",\"skippedAt\":\"" + Instant.now().minusSeconds(95) + "\"}]}"));
        ingest.start();
        ledger.start();
        preprocessor.start();
        return Map.of(
                "imgboard.ingest.url", "http://127.0.0.1:" + ingest.getAddress().getPort(),
                "imgboard.ledger.url", "http://127.0.0.1:" + ledger.getAddress().getPort(),
                "imgboard.preprocessor.url", "http://127.0.0.1:" + preprocessor.getAddress().getPort(),
                "imgboard.ops.status-file", status.toString());
    }

    private void deadLetters(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if ("POST".equals(exchange.getRequestMethod()) && path.matches("/api/v1/dead-letters/\\d+/replay")) {
            long id = Long.parseLong(path.split("/")[4]);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            REPLAYS.add(id + " " + authorization);
            if (!("Bearer " + Neighbours.SERVICE_TOKEN).equals(authorization)) {
                answer(exchange, 401, "application/json", "{\"error\":\"service token required\",\"status\":401}");
            } else if (id != 41 && id != 42) {
                answer(exchange, 404, "application/json", "{\"error\":\"no dead letter " + id + "\",\"status\":404}");
            } else {
                replayed.put(id, Instant.now().toString());
                answer(exchange, 200, "application/json", letter(id).toString());
            }
            return;
        }
        if (!"GET".equals(exchange.getRequestMethod()) || !path.equals("/api/v1/dead-letters")) {
            answer(exchange, 405, "application/json", "{\"error\":\"not here\",\"status\":405}");
            return;
        }
        ArrayNode list = JSON.createArrayNode();
        list.add(letter(42));
        list.add(letter(41));
        answer(exchange, 200, "application/json", list.toString());
    }

    private ObjectNode letter(long id) {
        ObjectNode letter = JSON.createObjectNode().put("id", id).put("topic", id == 42 ? "imgboard.files" : "imgboard.results")
                .put("partition", 0).put("offset", 100 + id).put("key", "k" + id).put("payload", "{\"broken\":true}")
                .put("payloadBytes", 15)
                .put("reason", id == 42 ? "FileAnnounced without sha256" : "unreadable JSON at line 1")
                .put("cause", "io.imgboard.ledger.service.InvalidEventException")
                .put("receivedAt", Instant.parse("2026-12-01T22:14:05Z").plusSeconds(id).toString());
        String at = replayed.get(id);
        if (at == null) {
            letter.putNull("replayedAt");
        } else {
            letter.put("replayedAt", at);
        }
        return letter;
    }

    private static String statusFile() {
        String now = Instant.now().toString();
        // this JVM stands in for the supervisor: its process is alive, as a running supervisor's is
        return "{\"supervisor\":{\"pid\":" + ProcessHandle.current().pid() + ",\"startedAt\":\"" + now
                + "\",\"state\":\"running\"},\"updatedAt\":\"" + now + "\","
                + "\"processes\":["
                + process("kafka", "infrastructure", 0, null)
                + "," + process("ingest-service", "service", 0, null)
                + "," + process("ledger-service", "service", 0, null)
                + "," + process("preprocessor-service", "service", 2, "killed by SIGKILL (exit 137)")
                + "," + process("display-service", "service", 0, null) + "]}";
    }

    private static String process(String name, String kind, int restarts, String lastExit) {
        return "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"pid\":" + (5000 + name.length()) + ",\"port\":9000,"
                + "\"state\":\"ready\",\"startedAt\":\"" + Instant.now() + "\",\"readySince\":\"" + Instant.now() + "\","
                + "\"restarts\":" + restarts + ",\"lastExit\":" + (lastExit == null ? "null" : "\"" + lastExit + "\"")
                + ",\"lastExitAt\":" + (lastExit == null ? "null" : "\"" + Instant.now().minusSeconds(300) + "\"")
                + ",\"nextStartAt\":null,\"log\":\"/tmp/" + name + ".log\"}";
    }

    @Override
    public void stop() {
        if (rewriter != null) {
            rewriter.shutdownNow();
        }
        for (HttpServer server : new HttpServer[]{ingest, ledger, preprocessor}) {
            if (server != null) {
                server.stop(0);
            }
        }
        try {
            if (status != null) {
                Files.deleteIfExists(status);
            }
        } catch (IOException e) {
            // a temporary file; the OS cleans up
        }
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
