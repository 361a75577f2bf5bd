package io.imgboard.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.smallrye.reactive.messaging.TracingMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Trace context as the services pass it on: a W3C {@code traceparent} string in HTTP and Kafka
 * headers and in the ledger's outbox rows, the context of a consumed record, and the trace id in the
 * log MDC ({@code traceId}) while a record is handled.
 */
public final class Tracing {
    /** The W3C header, on HTTP requests and Kafka records alike. */
    public static final String TRACEPARENT = "traceparent";
    /** MDC key of the trace id in log lines. */
    public static final String MDC_KEY = "traceId";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private Tracing() {
    }

    /** An SDK that samples every trace and exports only to {@code endpoint}, when there is one. */
    public static OpenTelemetrySdk sdk(String service, Optional<String> endpoint) {
        SdkTracerProviderBuilder tracers = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), service))));
        endpoint.ifPresent(base -> tracers.addSpanProcessor(BatchSpanProcessor.builder(
                OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(base)).build()).build()));
        return OpenTelemetrySdk.builder()
                .setTracerProvider(tracers.build())
                .setPropagators(ContextPropagators.create(W3C))
                .build();
    }

    /** OTLP/HTTP convention: a base URL gets {@code /v1/traces}; a full one is kept. */
    static String tracesUrl(String base) {
        String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return trimmed.endsWith("/v1/traces") ? trimmed : trimmed + "/v1/traces";
    }

    /** The context the Kafka connector opened for a consumed record (its consumer span), else the root. */
    public static Context of(Message<?> message) {
        return TracingMetadata.fromMessage(message)
                .map(TracingMetadata::getCurrentContext)
                .orElse(Context.root());
    }

    /** Metadata that makes the connector's producer span for a sent record a child of {@code context}. */
    public static TracingMetadata following(Context context) {
        return TracingMetadata.withCurrent(context == null ? Context.root() : context);
    }

    /** The {@code traceparent} of the current span; null when there is none. */
    public static String traceparent() {
        return traceparent(Context.current());
    }

    /** The {@code traceparent} of {@code context}'s span; null when it holds no valid span. */
    public static String traceparent(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The context a {@code traceparent} names (the root for null or a malformed value: never trusted further). */
    public static Context parse(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3C.extract(Context.root(), Map.of(TRACEPARENT, traceparent.strip()), MAP);
    }

    /** The trace id of {@code context}, if it holds a valid span. */
    public static Optional<String> traceId(Context context) {
        SpanContext span = Span.fromContext(context).getSpanContext();
        return span.isValid() ? Optional.of(span.getTraceId()) : Optional.empty();
    }

    /**
     * Starts a server span {@code name} that continues the caller's {@code traceparent} (a new trace
     * without one) and makes it current on this thread; closing ends it.
     */
    public static Scope serve(OpenTelemetry openTelemetry, String name, String traceparent) {
        Span span = openTelemetry.getTracer("io.imgboard").spanBuilder(name)
                .setSpanKind(SpanKind.SERVER)
                .setParent(parse(traceparent))
                .startSpan();
        Scope entered = enter(Context.root().with(span));
        return () -> {
            entered.close();
            span.end();
        };
    }

    /** Makes {@code context} current on this thread, its trace id in the MDC, until closed. */
    public static Scope enter(Context context) {
        Scope scope = context.makeCurrent();
        Optional<String> traceId = traceId(context);
        traceId.ifPresent(id -> MDC.put(MDC_KEY, id));
        return () -> {
            if (traceId.isPresent()) {
                MDC.remove(MDC_KEY);
            }
            scope.close();
        };
    }
}
