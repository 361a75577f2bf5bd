package io.imgboard.display.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Ingest and ledger stand-ins for the admin sections' display-side tests: each records every request
 * ({@code METHOD raw-path-and-query Authorization body}) and answers what the test scripted for
 * {@code METHOD path} (the raw path, query included), else 200 {@code {}}. What the display builds,
 * which credential it sends and how it passes answers back is what these tests check; the real
 * services' behaviour is AdminSectionsIT's. Started for the annotated class only, after
 * {@link Neighbours}, so its addresses win there.
 */
public class AdminNeighbours implements QuarkusTestResourceLifecycleManager {

    /** One neighbour: what it received and what it will answer. */
    public static final class Fake {
        public final CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
        private final Map<String, String[]> scripted = new ConcurrentHashMap<>();

        /** From now on, {@code METHOD rawPath} answers {@code status body}. */
        public void answer(String request, int status, String body) {
            scripted.put(request, new String[]{String.valueOf(status), body});
        }

        /** The body {@code METHOD rawPath} answers now, or null when it is not scripted. */
        public String answerOf(String request) {
            String[] answer = scripted.get(request);
            return answer == null ? null : answer[1];
        }

        public void reset() {
            received.clear();
            scripted.clear();
        }

        /**
         * What the admin routes sent: without the ops page's background reads (metrics, dead letters,
         * the sources list), which run on their own schedule in the same application.
         */
        public java.util.List<String> fromAdmin() {
            return received.stream().filter(r -> !r.startsWith("GET /q/") && !r.startsWith("GET /api/v1/dead-letters")
                    && !r.startsWith("GET /api/v1/sources ") && !r.startsWith("GET /api/v1/stats ")).toList();
        }

        /** The last request the admin routes sent, or null. */
        public String last() {
            java.util.List<String> mine = fromAdmin();
            return mine.isEmpty() ? null : mine.get(mine.size() - 1);
        }

        void handle(HttpExchange exchange) throws IOException {
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(request + " " + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
            String[] answer = scripted.getOrDefault(request, new String[]{"200", "{}"});
            int status = Integer.parseInt(answer[0]);
            byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (status == 204 || bytes.length == 0) {
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public static final Fake INGEST = new Fake();
    public static final Fake LEDGER = new Fake();

    private HttpServer ingest;
    private HttpServer ledger;

    @Override
    public Map<String, String> start() {
        try {
            ingest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ledger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ingest.createContext("/", INGEST::handle);
        ledger.createContext("/", LEDGER::handle);
        ingest.start();
        ledger.start();
        return Map.of(
                "imgboard.ingest.url", "http://127.0.0.1:" + ingest.getAddress().getPort(),
                "imgboard.ledger.url", "http://127.0.0.1:" + ledger.getAddress().getPort(),
                "imgboard.admin.token", Neighbours.ADMIN_TOKEN,
                // The ops page's scrapes would ask these stand-ins too; rarely, in these classes.
                "imgboard.ops.scrape-interval", "1h",
                "imgboard.ops.refresh-interval", "1h");
    }

    /**
     * After {@link Neighbours} (order 0, applied to every test class), so these addresses are the ones the
     * application gets: resources of the same order start together and which one's value wins is not defined.
     */
    @Override
    public int order() {
        return 1;
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
}
