package io.imgboard.display.service.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.config.NeighboursConfig;
import io.imgboard.display.service.UpstreamHttp;
import io.imgboard.display.service.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which version each service runs: the {@code info.version} of its public {@code /q/openapi}
 * document (Quarkus fills it from the application version), remembered for a minute; this display's
 * own from {@code quarkus.application.version}. Unknown is null, never an error.
 */
@ApplicationScoped
public class ServiceVersions {
    public static final String DISPLAY = "display";
    private static final Duration KEEP = Duration.ofMinutes(1);

    private record Known(String version, Instant at) {
    }

    private final Map<String, URI> documents = new LinkedHashMap<>();
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final String own;
    private final UpstreamHttp http;
    private final ObjectMapper json;

    ServiceVersions(NeighboursConfig.Ingest ingest, NeighboursConfig.Ledger ledger,
                    NeighboursConfig.Preprocessor preprocessor, UpstreamHttp http, ObjectMapper json,
                    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String own) {
        documents.put(Upstreams.INGEST, openapi(ingest.url()));
        documents.put(Upstreams.LEDGER, openapi(ledger.url()));
        documents.put(Upstreams.PREPROCESSOR, openapi(preprocessor.url()));
        this.own = own;
        this.json = json;
        this.http = http;
    }

    private static URI openapi(URI base) {
        return URI.create(base.toString().replaceAll("/+$", "") + "/q/openapi?format=json");
    }

    /** Every service's version (null when it did not say); asks the neighbours in parallel. */
    public Map<String, String> all() {
        Map<String, CompletableFuture<String>> asked = new LinkedHashMap<>();
        documents.forEach((service, uri) -> asked.put(service, version(service, uri)));
        Map<String, String> versions = new LinkedHashMap<>();
        asked.forEach((service, answer) -> versions.put(service, answer.join()));
        versions.put(DISPLAY, own);
        return versions;
    }

    private CompletableFuture<String> version(String service, URI uri) {
        Known k = known.get(service);
        if (k != null && k.at().plus(KEEP).isAfter(Instant.now())) {
            return CompletableFuture.completedFuture(k.version());
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(http.timeout()).header("Accept", "application/json").GET().build();
        return http.send(request).handle((response, failure) -> {
            if (failure != null || response.statusCode() != 200) {
                return null; // down now: ask again next time
            }
            String version;
            try {
                JsonNode v = json.readTree(response.body()).path("info").path("version");
                version = v.isTextual() ? v.asText() : null;
            } catch (Exception e) {
                version = null;
            }
            known.put(service, new Known(version, Instant.now()));
            return version;
        });
    }
}
