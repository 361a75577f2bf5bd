package io.imgboard.display.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The display's HTTP neighbours for tests: a small stand-in for ingest's two read endpoints, which
 * checks the bearer token, and a ledger and preprocessor that are down (nothing listens on their
 * port). Kafka and S3 are the real servers from LocalInfraResource.
 */
public class Neighbours implements QuarkusTestResourceLifecycleManager {
    public static final String UPLOAD_TOKEN = "test-upload-token";
    /** The display's admin token in tests (set, so tests show the upload token is not accepted then). */
    public static final String ADMIN_TOKEN = "test-admin-token";
    /** Authorization headers ingest received, for assertions. */
    public static final CopyOnWriteArrayList<String> INGEST_AUTHORIZATIONS = new CopyOnWriteArrayList<>();

    private HttpServer ingest;

    @Override
    public Map<String, String> start() {
        try {
            ingest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ingest.createContext("/q/health", exchange -> answer(exchange, 200,
                "{\"status\":\"UP\",\"checks\":[{\"name\":\"originals bucket\",\"status\":\"UP\",\"data\":{\"bucket\":\"imgboard-originals\"}}]}"));
        ingest.createContext("/api/v1/uploads/rejections", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            INGEST_AUTHORIZATIONS.add(String.valueOf(authorization));
            if (!("Bearer " + UPLOAD_TOKEN).equals(authorization)) {
                answer(exchange, 401, "{\"error\":\"missing or wrong upload token\",\"status\":401}");
                return;
            }
            answer(exchange, 200, "[{\"name\":\"notes.txt\",\"reason\":\"not an image\",\"status\":415,"
                    + "\"at\":\"2024-05-01T10:00:00Z\"}]");
        });
        ingest.start();
        String down = "http://127.0.0.1:" + closedPort();
        return Map.of(
                "imgboard.ingest.url", "http://127.0.0.1:" + ingest.getAddress().getPort(),
                "imgboard.ledger.url", down,
                "imgboard.preprocessor.url", down,
                "imgboard.upload.token", UPLOAD_TOKEN,
                "imgboard.admin.token", ADMIN_TOKEN);
    }

    @Override
    public void stop() {
        if (ingest != null) {
            ingest.stop(0);
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A port nothing listens on: bound once to find it free, then released. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
