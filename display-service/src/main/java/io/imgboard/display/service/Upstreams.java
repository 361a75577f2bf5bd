package io.imgboard.display.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.config.AdminConfig;
import io.imgboard.display.config.ServiceConfig;
import io.imgboard.display.config.NeighboursConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only queries the admin and ops pages make to the other services, server-side, so browsers
 * never need their addresses or the upload token. Non-blocking (JDK HttpClient); every answer is
 * either what the service said or an {@link UpstreamException} that says which service and why.
 */
@ApplicationScoped
public class Upstreams {
    public static final String LEDGER = "ledger";
    public static final String INGEST = "ingest";
    public static final String PREPROCESSOR = "preprocessor";

    private static final TypeReference<List<LedgerFailure>> FAILURES = new TypeReference<>() {
    };
    private static final TypeReference<List<IngestRejection>> REJECTIONS = new TypeReference<>() {
    };

    private final NeighboursConfig.Ledger ledger;
    private final NeighboursConfig.Ingest ingest;
    private final NeighboursConfig.Preprocessor preprocessor;
    private final Optional<String> adminToken;
    private final Optional<String> serviceToken;
    private final ObjectMapper json;
    private final UpstreamHttp http;
    private final Duration timeout;

    Upstreams(NeighboursConfig.Ledger ledger, NeighboursConfig.Ingest ingest, NeighboursConfig.Preprocessor preprocessor,
              AdminConfig admin, ServiceConfig service, UpstreamHttp http, ObjectMapper mapper) {
        this.ledger = ledger;
        this.ingest = ingest;
        this.preprocessor = preprocessor;
        this.adminToken = admin.token().map(String::strip).filter(t -> !t.isEmpty());
        this.serviceToken = service.token().map(String::strip).filter(t -> !t.isEmpty());
        this.http = http;
        this.timeout = http.timeout();
        // Other services own these shapes and may add to them; read leniently.
        this.json = mapper.copy()
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** {@code GET <ledger>/api/v1/failures}. */
    public Uni<List<LedgerFailure>> failures() {
        return getJson(LEDGER, endpoint(ledger.url(), "/api/v1/failures"), Optional.empty(), FAILURES);
    }

    /** {@code GET <ledger>/api/v1/stats}. */
    public Uni<LedgerStats> stats() {
        return getJson(LEDGER, endpoint(ledger.url(), "/api/v1/stats"), Optional.empty(),
                new TypeReference<LedgerStats>() {
                });
    }

    /**
     * {@code GET <ingest>/api/v1/uploads/rejections} with the admin token (the display never holds
     * the upload token), or "not configured" without one.
     */
    public Uni<Rejections> rejections() {
        Optional<String> token = adminToken;
        if (token.isEmpty()) {
            return Uni.createFrom().item(Rejections.notConfigured());
        }
        return getJson(INGEST, endpoint(ingest.url(), "/api/v1/uploads/rejections"),
                token.map(t -> "Bearer " + t), REJECTIONS)
                .map(list -> new Rejections(true, list));
    }

    /** What another service answered: its status and JSON body (a missing or unreadable body is {@code null}). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status <= 299;
        }

        /** The body's {@code error}, else "HTTP <status>". */
        public String error() {
            JsonNode error = body == null ? null : body.path("error");
            return error != null && error.isTextual() ? error.asText() : "HTTP " + status;
        }
    }

    /** {@code GET <ledger>/api/v1/renditions}: the rendition set, the ledger being its one authority. */
    public Uni<Answer> renditions() {
        return exchange(LEDGER, "GET", endpoint(ledger.url(), "/api/v1/renditions"), null, Optional.empty(), null);
    }

    /** {@code PUT <ledger>/api/v1/renditions} with the service token; the answer says whether a reprocess started. */
    public Uni<Answer> putRenditions(JsonNode body) {
        return exchange(LEDGER, "PUT", endpoint(ledger.url(), "/api/v1/renditions"), body, serviceAuthorization(), null);
    }

    /** {@code POST <ledger>/api/v1/jobs/reprocess {"scope":…}} with the service token: 202 or 409. */
    public Uni<Answer> reprocess(String scope) {
        return exchange(LEDGER, "POST", endpoint(ledger.url(), "/api/v1/jobs/reprocess"),
                json.createObjectNode().put("scope", scope), serviceAuthorization(), null);
    }

    /** {@code GET <ledger>/api/v1/jobs/current}. */
    public Uni<Answer> currentJob() {
        return exchange(LEDGER, "GET", endpoint(ledger.url(), "/api/v1/jobs/current"), null, Optional.empty(), null);
    }

    /** {@code POST <ingest>/api/v1/uploads}, a multipart body made by the caller, with an admin token. */
    public Uni<Answer> upload(HttpRequest.BodyPublisher multipart, String contentType, String authorization) {
        return exchange(INGEST, "POST", endpoint(ingest.url(), "/api/v1/uploads"), null,
                Optional.ofNullable(authorization).or(() -> adminToken.map(t -> "Bearer " + t)),
                new Object[]{multipart, contentType});
    }

    /**
     * {@code method <service><path>} with the credential that service asks of the display: the
     * service token for the ledger, the admin token for ingest and the preprocessor. {@code path}
     * (with its query) must be built by the display from constants and encoded values, never taken
     * whole from a client. Never fails for an HTTP status; an unreachable service fails with
     * {@link UpstreamException}.
     */
    public Uni<Answer> call(String service, String method, String path, JsonNode body) {
        if (!path.startsWith("/api/")) {
            throw new IllegalArgumentException("not an API path: " + path);
        }
        URI base = switch (service) {
            case LEDGER -> ledger.url();
            case INGEST -> ingest.url();
            case PREPROCESSOR -> preprocessor.url();
            default -> throw new IllegalArgumentException("unknown service " + service);
        };
        Optional<String> authorization = LEDGER.equals(service) ? serviceAuthorization() : adminToken.map(t -> "Bearer " + t);
        return exchange(service, method, endpoint(base, path), body, authorization, null);
    }

    private Optional<String> serviceAuthorization() {
        return serviceToken.map(t -> "Bearer " + t);
    }

    private Uni<Answer> exchange(String service, String method, URI uri, JsonNode body, Optional<String> authorization,
                                 Object[] raw) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header("Accept", "application/json");
        // Uploads of up to 10 x 50 MiB need longer than a query.
        builder.timeout(raw == null ? timeout : timeout.multipliedBy(60));
        if (raw != null) {
            builder.method(method, (HttpRequest.BodyPublisher) raw[0]).header("Content-Type", (String) raw[1]);
        } else if (body != null) {
            builder.method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
                    .header("Content-Type", "application/json");
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        authorization.ifPresent(value -> builder.header("Authorization", value));
        HttpRequest request = builder.build();
        return Uni.createFrom().completionStage(() -> http.send(request))
                .onFailure().transform(e -> new UpstreamException(service,
                        service + " is unreachable at " + uri + " (" + http.reason(e) + ")", e))
                .map(response -> {
                    JsonNode answer;
                    try {
                        answer = response.body() == null || response.body().isBlank() ? null : json.readTree(response.body());
                    } catch (JsonProcessingException e) {
                        answer = null;
                    }
                    return new Answer(response.statusCode(), answer);
                });
    }

    /** The health of the other three services, in a fixed order; never fails, unreachable is a status. */
    public Uni<List<ServiceHealth>> othersHealth() {
        return Uni.join().all(
                        health(INGEST, ingest.url()),
                        health(LEDGER, ledger.url()),
                        health(PREPROCESSOR, preprocessor.url()))
                .andFailFast();
    }

    Uni<ServiceHealth> health(String name, URI base) {
        URI uri = endpoint(base, "/q/health");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        return Uni.createFrom().completionStage(() -> http.send(request))
                .map(response -> healthReport(name, uri.toString(), response.statusCode(), response.body()))
                .onFailure().recoverWithItem(e -> new ServiceHealth(name, uri.toString(), ServiceHealth.UNREACHABLE,
                        List.of(), http.reason(e)));
    }

    /** Reads a MicroProfile Health report ({@code {"status":…,"checks":[…]}}), ours or another service's. */
    public ServiceHealth healthReport(String name, String url, int httpStatus, String body) {
        JsonNode report;
        try {
            report = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            report = null;
        }
        if (report == null || !report.hasNonNull("status")) {
            return new ServiceHealth(name, url, "DOWN", List.of(), "HTTP " + httpStatus + " without a health report");
        }
        List<ServiceHealth.Check> checks = new ArrayList<>();
        for (JsonNode check : report.path("checks")) {
            Map<String, Object> data = check.has("data")
                    ? json.convertValue(check.get("data"), new TypeReference<LinkedHashMap<String, Object>>() {
                    })
                    : Map.of();
            checks.add(new ServiceHealth.Check(check.path("name").asText(), check.path("status").asText(), data));
        }
        return new ServiceHealth(name, url, report.get("status").asText(), checks, null);
    }

    private <T> Uni<T> getJson(String service, URI uri, Optional<String> authorization, TypeReference<T> type) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
        authorization.ifPresent(value -> builder.header("Authorization", value));
        HttpRequest request = builder.build();
        return Uni.createFrom().completionStage(() -> http.send(request))
                .onFailure().transform(e -> new UpstreamException(service,
                        service + " is unreachable at " + uri + " (" + http.reason(e) + ")", e))
                .map(response -> read(service, uri, response, type));
    }

    private <T> T read(String service, URI uri, HttpResponse<String> response, TypeReference<T> type) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new UpstreamException(service, service + " refused the display's credential (HTTP " + status
                    + ") at " + uri, null);
        }
        if (status < 200 || status > 299) {
            throw new UpstreamException(service, service + " answered HTTP " + status + errorOf(response.body())
                    + " at " + uri, null);
        }
        try {
            return json.readValue(response.body(), type);
        } catch (JsonProcessingException e) {
            throw new UpstreamException(service, service + " answered something the display cannot read at " + uri
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The {@code error} of a service's JSON error body, for the message; nothing when there is none. */
    private String errorOf(String body) {
        try {
            JsonNode error = json.readTree(body == null ? "" : body).path("error");
            return error.isTextual() ? " (" + error.asText() + ")" : "";
        } catch (JsonProcessingException e) {
            return "";
        }
    }

    static URI endpoint(URI base, String path) {
        String root = base.toString();
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        return URI.create(root + path);
    }
}
