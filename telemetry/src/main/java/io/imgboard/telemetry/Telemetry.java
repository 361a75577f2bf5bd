package io.imgboard.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * The service's one {@link OpenTelemetry}. The Kafka connector finds it in CDI and from then on
 * writes a W3C {@code traceparent} header on every record it sends and opens a consumer span, child
 * of that header, for every record it reads; so one photo is one trace from its upload to the
 * display. Spans leave the process only when {@code imgboard.otel.endpoint}
 * ({@code IMGBOARD_OTEL_ENDPOINT}) names an OTLP/HTTP collector: off by default.
 */
@ApplicationScoped
public class Telemetry {

    @Produces
    @Singleton
    @Unremovable // looked up by the Kafka connector through Instance<OpenTelemetry> only
    OpenTelemetry openTelemetry(@ConfigProperty(name = "quarkus.application.name") String service,
                                @ConfigProperty(name = "imgboard.otel.endpoint") Optional<String> endpoint) {
        return Tracing.sdk(service, endpoint.map(String::strip).filter(value -> !value.isEmpty()));
    }

    void close(@Disposes OpenTelemetry openTelemetry) {
        if (openTelemetry instanceof OpenTelemetrySdk sdk) {
            sdk.close(); // flushes what the exporter still holds
        }
    }
}
