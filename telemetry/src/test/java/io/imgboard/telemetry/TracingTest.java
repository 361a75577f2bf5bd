package io.imgboard.telemetry;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TracingTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @Test
    void aTraceparentSurvivesTheRoundTripThroughAContext() {
        assertEquals(PARENT, Tracing.traceparent(Tracing.parse(PARENT)));
        assertEquals(Optional.of(TRACE_ID), Tracing.traceId(Tracing.parse(PARENT)));
    }

    @Test
    void aMalformedOrMissingTraceparentStartsNothing() {
        assertNull(Tracing.traceparent(Tracing.parse("00-not-a-trace-01")));
        assertNull(Tracing.traceparent(Tracing.parse(null)));
        assertNull(Tracing.traceparent(Context.root()));
    }

    @Test
    void enteringAContextPutsItsTraceIdInTheLogContextUntilClosed() {
        try (Scope ignored = Tracing.enter(Tracing.parse(PARENT))) {
            assertEquals(TRACE_ID, MDC.get(Tracing.MDC_KEY));
            assertEquals(PARENT, Tracing.traceparent());
        }
        assertNull(MDC.get(Tracing.MDC_KEY));
        assertNull(Tracing.traceparent());
    }

    @Test
    void spansGoToTheConfiguredCollectorOverOtlpHttpAndNowhereWithoutOne() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        List<String> paths = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            exchange.getRequestBody().transferTo(body);
            received.add(body.toByteArray());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            try (OpenTelemetrySdk off = Tracing.sdk("quiet-service", Optional.empty())) {
                Span span = off.getTracer("test").spanBuilder("nothing").setParent(Tracing.parse(PARENT)).startSpan();
                span.end();
            }
            assertTrue(received.isEmpty(), "no endpoint, no export");

            try (OpenTelemetrySdk on = Tracing.sdk("upload-service",
                    Optional.of("http://127.0.0.1:" + collector.getAddress().getPort()))) {
                Span span = on.getTracer("test").spanBuilder("upload").setParent(Tracing.parse(PARENT)).startSpan();
                assertEquals(TRACE_ID, span.getSpanContext().getTraceId(), "continues the caller's trace");
                span.end();
            } // close() flushes the batch
            assertEquals(List.of("/v1/traces"), paths);
            byte[] body = received.get(0);
            assertTrue(contains(body, HexFormat.of().parseHex(TRACE_ID)), "the trace id is in the OTLP body");
            assertTrue(contains(body, "upload-service".getBytes(StandardCharsets.UTF_8)), "and the service name");
            assertFalse(contains(body, "quiet-service".getBytes(StandardCharsets.UTF_8)));
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void aServedRequestIsAChildSpanOfTheCallersTraceAndCurrentUntilClosed() {
        try (OpenTelemetrySdk sdk = Tracing.sdk("svc", Optional.empty())) {
            try (Scope ignored = Tracing.serve(sdk, "upload", PARENT)) {
                String current = Tracing.traceparent();
                assertTrue(current.startsWith("00-" + TRACE_ID + "-"), current);
                assertFalse(current.equals(PARENT), "a span of its own");
            }
            assertNull(Tracing.traceparent());
            try (Scope ignored = Tracing.serve(sdk, "upload", null)) {
                String fresh = Tracing.traceparent();
                assertTrue(fresh.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]"), "a new sampled trace (W3C level 2 may add the random-id flag): " + fresh);
            }
        }
    }

    @Test
    void aBaseUrlGetsTheTracesPath() {
        assertEquals("http://c:4318/v1/traces", Tracing.tracesUrl("http://c:4318/"));
        assertEquals("http://c:4318/v1/traces", Tracing.tracesUrl("http://c:4318/v1/traces"));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
