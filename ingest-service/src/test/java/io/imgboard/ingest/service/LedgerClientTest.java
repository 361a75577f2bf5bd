package io.imgboard.ingest.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The ledger client against a small local HTTP server that answers the two ledger routes as the
 * contract says (the real ledger is exercised by the system tests). A {@code @QuarkusTest} because
 * the REST client needs Quarkus's runtime.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
class LedgerClientTest {
    private static final String KNOWN = "a".repeat(64);
    private static final String UNKNOWN = "b".repeat(64);
    private static final String DELETED = "c".repeat(64);
    private static final String FAILED = "d".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> authorizations = new CopyOnWriteArrayList<>();
    private static HttpServer ledger;

    @BeforeAll
    static void startLedger() throws IOException {
        ledger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ledger.createContext("/api/v1/photos/known", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Map<?, ?> body = JSON.readValue(exchange.getRequestBody(), Map.class);
            List<?> asked = (List<?>) body.get("sha256");
            answer(exchange, 200, JSON.writeValueAsString(Map.of("known", asked.stream().filter(KNOWN::equals).toList())));
        });
        ledger.createContext("/api/v1/photos/by-sha256/", exchange -> {
            String sha = exchange.getRequestURI().getPath().substring("/api/v1/photos/by-sha256/".length());
            if (sha.equals(KNOWN)) {
                answer(exchange, 200, "{\"photoId\":\"0b8f7c1e-photo\",\"status\":\"READY\",\"state\":\"READY\","
                        + "\"deletedAt\":null,\"sha256\":\"" + KNOWN + "\"}");
            } else if (sha.equals(DELETED)) { // the ledger's answer for a photo deleted in the admin
                answer(exchange, 200, "{\"photoId\":\"5d1e7e7e-photo\",\"status\":\"READY\",\"state\":\"DELETED\","
                        + "\"deletedAt\":\"2026-01-02T03:04:05Z\",\"sha256\":\"" + DELETED + "\"}");
            } else if (sha.equals(FAILED)) { // a photo the preprocessor could not make
                answer(exchange, 200, "{\"photoId\":\"9f00a11d-photo\",\"status\":\"FAILED\",\"state\":\"FAILED\","
                        + "\"deletedAt\":null,\"failureReason\":\"corrupt or truncated JPEG: premature end\"}");
            } else {
                answer(exchange, 404, "{\"error\":\"no photo\",\"status\":404}");
            }
        });
        ledger.start();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stopLedger() {
        ledger.stop(0);
    }

    private static LedgerClient client() {
        return new LedgerClient("http://127.0.0.1:" + ledger.getAddress().getPort(), Optional.of("service-token-0123456789"));
    }

    @Test
    void knownAsksWithTheServiceToken() {
        assertEquals(List.of(KNOWN), client().known(List.of(UNKNOWN, KNOWN)));
        assertEquals("Bearer service-token-0123456789", authorizations.get(authorizations.size() - 1));
    }

    @Test
    void photoOfKnownDeletedAndUnknownBytes() {
        assertEquals(Optional.of(new LedgerClient.KnownPhoto("0b8f7c1e-photo", false, null)), client().photo(KNOWN));
        assertEquals(Optional.of(new LedgerClient.KnownPhoto("5d1e7e7e-photo", true, null)), client().photo(DELETED));
        assertEquals(Optional.of(new LedgerClient.KnownPhoto("9f00a11d-photo", false, "corrupt or truncated JPEG: premature end")),
                client().photo(FAILED));
        assertEquals(Optional.empty(), client().photo(UNKNOWN));
    }

    @Test
    void aLedgerThatIsDownIsOneClearException() {
        LedgerClient down = new LedgerClient("http://127.0.0.1:9", Optional.empty());
        assertThrows(LedgerClient.LedgerUnavailableException.class, () -> down.known(List.of(KNOWN)));
        assertThrows(LedgerClient.LedgerUnavailableException.class, () -> down.photo(KNOWN));
    }
}
