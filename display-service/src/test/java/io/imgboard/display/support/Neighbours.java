package io.imgboard.display.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imgboard.infra.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The display's HTTP neighbours for tests (Kafka and S3 are the real servers from LocalInfraResource):
 * <ul>
 *   <li>ingest: a stand-in for its rejections list and its upload route, which check the admin token
 *       (the display never holds the upload token) and record what they got;</li>
 *   <li>ledger: a stand-in for the routes the display calls (renditions, reprocess jobs, stats), which
 *       checks the service token on writes; its failures list and health answer 503, as a ledger
 *       without its database would;</li>
 *   <li>preprocessor: down (nothing listens on its port).</li>
 * </ul>
 */
public class Neighbours implements QuarkusTestResourceLifecycleManager {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The display's admin token in tests. */
    public static final String ADMIN_TOKEN = "test-admin-token";
    /** An upload token the display must not accept as an admin token. */
    public static final String UPLOAD_TOKEN = "test-upload-token";
    public static final String SERVICE_TOKEN = "test-service-token-0123456789";
    /** Authorization headers ingest received, for assertions. */
    public static final CopyOnWriteArrayList<String> INGEST_AUTHORIZATIONS = new CopyOnWriteArrayList<>();
    /** What ingest's upload route received: one entry per file part ({@code name}, {@code size}, {@code contentType}). */
    public static final CopyOnWriteArrayList<Map<String, Object>> UPLOADS = new CopyOnWriteArrayList<>();
    /** Bodies the ledger's writes received, as {@code METHOD path body}. */
    public static final CopyOnWriteArrayList<String> LEDGER_WRITES = new CopyOnWriteArrayList<>();
    public static final FakeLedger LEDGER = new FakeLedger();
    private static final Pattern PART_HEADERS = Pattern.compile(
            "Content-Disposition: form-data; name=\"file\"; filename=\"([^\"]*)\"\r\nContent-Type: ([^\r]*)\r\n\r\n");

    private HttpServer ingest;
    private HttpServer ledger;

    /** The ledger's rendition set and reprocess job: each poll of the current job moves it one photo on. */
    public static final class FakeLedger {
        public volatile int photos = 3;
        /** When not 0, the status a rendition write is answered with (a ledger that cannot take it). */
        public volatile int renditionsRefusal;
        /** Set: the stats route stalls mid-answer until it is counted down ({@link #stallStats}). */
        private volatile java.util.concurrent.CountDownLatch statsStalled;

        /**
         * From now on the stats route sends its headers and half its body, then nothing more until
         * {@link #releaseStats} (at most a minute): a neighbour that stalls mid-answer. Holds the
         * stand-in's only thread.
         */
        public void stallStats() {
            statsStalled = new java.util.concurrent.CountDownLatch(1);
        }

        /** The stalled answer goes on, and the next ones are whole. */
        public void releaseStats() {
            java.util.concurrent.CountDownLatch stalled = statsStalled;
            statsStalled = null;
            if (stalled != null) {
                stalled.countDown();
            }
        }
        private ArrayNode renditions;
        private ObjectNode job;

        FakeLedger() {
            reset();
        }

        public synchronized void reset() {
            renditions = JSON.createArrayNode();
            renditions.addObject().put("name", "display").put("width", 1920).put("height", 1080).put("quality", 82);
            renditions.addObject().put("name", "uhd").put("width", 3840).put("height", 2160).put("quality", 82);
            renditions.addObject().put("name", "thumb").put("width", 480).put("height", 480).put("quality", 75);
            job = null;
            renditionsRefusal = 0;
        }

        public synchronized ArrayNode renditions() {
            return renditions.deepCopy();
        }

        public synchronized boolean running() {
            return job != null && "running".equals(job.path("state").asText());
        }

        synchronized ObjectNode start() {
            job = JSON.createObjectNode().put("id", java.util.UUID.randomUUID().toString()).put("state", "running")
                    .put("scope", "all").put("total", photos).put("done", 0).put("failed", 0)
                    .put("startedAt", Instant.now().toString()).put("updatedAt", Instant.now().toString());
            if (photos == 0) {
                job.put("state", "finished");
            }
            return job.deepCopy();
        }

        synchronized ObjectNode poll() {
            if (job == null) {
                return JSON.createObjectNode().put("state", "none");
            }
            ObjectNode answer = job.deepCopy();
            if (running()) {
                int done = job.path("done").asInt() + 1;
                job.put("done", done).put("updatedAt", Instant.now().toString());
                if (done + job.path("failed").asInt() >= job.path("total").asInt()) {
                    job.put("state", "finished").put("finishedAt", Instant.now().toString());
                }
            }
            return answer;
        }

        synchronized ObjectNode put(JsonNode body) {
            ArrayNode next = (ArrayNode) body.get("renditions");
            boolean boxChanged = false;
            for (JsonNode rendition : next) {
                for (JsonNode old : renditions) {
                    if (old.path("name").equals(rendition.path("name"))
                            && (old.path("width").asInt() != rendition.path("width").asInt()
                            || old.path("height").asInt() != rendition.path("height").asInt())) {
                        boxChanged = true;
                    }
                }
            }
            boolean changed = !next.equals(renditions);
            renditions = next.deepCopy();
            ObjectNode answer = JSON.createObjectNode().put("changed", changed).put("reprocessing", boxChanged);
            answer.set("job", boxChanged ? start() : null);
            return answer;
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            ingest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ledger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ingest.createContext("/q/health", exchange -> answer(exchange, 200,
                "{\"status\":\"UP\",\"checks\":[{\"name\":\"originals bucket\",\"status\":\"UP\",\"data\":{\"bucket\":\"imgboard-originals\"}}]}"));
        ingest.createContext("/api/v1/uploads/rejections", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            INGEST_AUTHORIZATIONS.add(String.valueOf(authorization));
            if (!("Bearer " + ADMIN_TOKEN).equals(authorization)) {
                answer(exchange, 401, "{\"error\":\"missing or wrong token\",\"status\":401}");
                return;
            }
            answer(exchange, 200, "[{\"name\":\"notes.txt\",\"reason\":\"not an image\",\"status\":415,"
                    + "\"at\":\"2024-05-01T10:00:00Z\"}]");
        });
        ingest.createContext("/api/v1/uploads", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            INGEST_AUTHORIZATIONS.add(String.valueOf(authorization));
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!("Bearer " + ADMIN_TOKEN).equals(authorization)) {
                answer(exchange, 401, "{\"error\":\"missing or wrong token\",\"status\":401}");
                return;
            }
            // Like ingest, which looks inside each file: a file named not-a-photo* is refused for its content.
            ArrayNode files = JSON.createArrayNode();
            boolean accepted = false;
            for (Map<String, Object> part : parts(new String(body, StandardCharsets.ISO_8859_1))) {
                UPLOADS.add(part);
                boolean refused = ((String) part.get("name")).startsWith("not-a-photo");
                accepted |= !refused;
                ObjectNode file = files.addObject().put("name", (String) part.get("name")).put("sha256", "ab".repeat(32))
                        .put("size", (Integer) part.get("size")).put("contentType", (String) part.get("contentType"))
                        .put("status", refused ? "rejected" : "created");
                if (refused) {
                    file.put("error", "not an image: its bytes are neither JPEG nor PNG");
                } else {
                    file.putNull("error");
                }
            }
            ObjectNode answer = JSON.createObjectNode();
            answer.set("files", files);
            if (!accepted) {
                answer.put("error", "not an image: its bytes are neither JPEG nor PNG").put("status", 415);
            }
            answer(exchange, accepted ? 201 : 415, answer.toString());
        });
        ledger.createContext("/q/health", exchange -> answer(exchange, 503, "{\"status\":\"DOWN\",\"checks\":[]}"));
        ledger.createContext("/api/v1/failures", exchange -> answer(exchange, 503,
                "{\"error\":\"database unavailable\",\"status\":503}"));
        ledger.createContext("/api/v1/stats", exchange -> {
            String stats = "{\"photos\":7,\"ready\":4,\"pending\":2,\"failed\":1,\"origins\":7,\"duplicates\":0}";
            java.util.concurrent.CountDownLatch stalled = LEDGER.statsStalled;
            if (stalled != null) {
                stall(exchange, stats.getBytes(StandardCharsets.UTF_8), stalled);
            } else {
                answer(exchange, 200, stats);
            }
        });
        ledger.createContext("/api/v1/renditions", exchange -> {
            if ("GET".equals(exchange.getRequestMethod())) {
                ObjectNode answer = JSON.createObjectNode();
                answer.set("renditions", LEDGER.renditions());
                answer(exchange, 200, answer.toString());
                return;
            }
            if (refusedWrite(exchange)) {
                return;
            }
            if (LEDGER.renditionsRefusal != 0) {
                answer(exchange, LEDGER.renditionsRefusal, "{\"error\":\"database unavailable\",\"status\":"
                        + LEDGER.renditionsRefusal + "}");
                return;
            }
            answer(exchange, 200, LEDGER.put(JSON.readTree(exchange.getRequestBody())).toString());
        });
        ledger.createContext("/api/v1/jobs/reprocess", exchange -> {
            if (refusedWrite(exchange)) {
                return;
            }
            if (LEDGER.running()) {
                answer(exchange, 409, "{\"error\":\"Reprocessing already in progress\",\"status\":409}");
                return;
            }
            answer(exchange, 202, LEDGER.start().toString());
        });
        ledger.createContext("/api/v1/jobs/current", exchange -> answer(exchange, 200, LEDGER.poll().toString()));
        ingest.start();
        ledger.start();
        String down = "http://127.0.0.1:" + closedPort();
        return Map.of(
                "imgboard.ingest.url", "http://127.0.0.1:" + ingest.getAddress().getPort(),
                "imgboard.ledger.url", "http://127.0.0.1:" + ledger.getAddress().getPort(),
                "imgboard.preprocessor.url", down,
                "imgboard.admin.token", ADMIN_TOKEN);
    }

    /** Writes need the service token; records what they carried. */
    private static boolean refusedWrite(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        LEDGER_WRITES.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + authorization);
        if (!("Bearer " + SERVICE_TOKEN).equals(authorization)) {
            answer(exchange, 401, "{\"error\":\"service token required\",\"status\":401}");
            return true;
        }
        return false;
    }

    /** The file parts of a multipart body (read as ISO-8859-1 so byte offsets stay byte offsets). */
    private static List<Map<String, Object>> parts(String body) {
        List<Map<String, Object>> parts = new ArrayList<>();
        Matcher m = PART_HEADERS.matcher(body);
        while (m.find()) {
            int start = m.end();
            int end = body.indexOf("\r\n--", start);
            String name = new String(m.group(1).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            parts.add(Map.of("name", name, "contentType", m.group(2), "size", end - start));
        }
        return parts;
    }

    @Override
    public void stop() {
        if (ingest != null) {
            ingest.stop(0);
        }
        if (ledger != null) {
            ledger.stop(0);
        }
    }

    /** Headers and the first half of {@code body}, then the rest once {@code stalled} is counted down. */
    private static void stall(HttpExchange exchange, byte[] body, java.util.concurrent.CountDownLatch stalled)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body, 0, body.length / 2);
        exchange.getResponseBody().flush();
        try {
            stalled.await(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.getResponseBody().write(body, body.length / 2, body.length - body.length / 2);
        exchange.close();
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A port nothing listens on. */
    private static int closedPort() {
        return Ports.free();
    }
}
