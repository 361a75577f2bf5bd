package io.imgboard.display.rest;

import io.imgboard.events.SourceIds;
import io.imgboard.support.ErrorBody;
import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.service.Upstreams;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How the admin sections ask ingest and the ledger: a path the display builds from constants and
 * encoded values, a body that is a JSON object, and the neighbour's answer passed back as it came, or
 * as a JSON error that says which service refused and why. A neighbour refusing the display's own
 * credential is the operator's configuration, not the browser's token, so it answers 502, never 401.
 */
@ApplicationScoped
class AdminRelay {
    /** Ingest's source ids and the frame names share this shape. */
    static final Pattern SOURCE_ID = SourceIds.NAME;
    /** Ingest's device names ({@code DeviceTokens.NAME}). */
    static final Pattern DEVICE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final Upstreams upstreams;

    AdminRelay(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    Uni<Response> relay(String service, String method, String path, JsonNode body) {
        return relay(service, method, path, body, answer -> answer);
    }

    /** As {@link #relay(String, String, String, JsonNode)}, with {@code shape} applied to a successful answer's body. */
    Uni<Response> relay(String service, String method, String path, JsonNode body, Function<JsonNode, Object> shape) {
        return upstreams.call(service, method, path, body).map(answer -> respond(service, answer, shape));
    }

    /** {@code service}'s answer as the page gets it: see the class comment. */
    static Response respond(String service, Upstreams.Answer answer, Function<JsonNode, Object> shape) {
        if (answer.ok()) {
            if (answer.body() == null) {
                return Response.status(answer.status()).build();
            }
            return Response.status(answer.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(shape.apply(answer.body())).build();
        }
        if (answer.status() == 401 || answer.status() == 403) {
            return ErrorBody.response(502, service + " refused the display's credential (HTTP " + answer.status()
                    + "): give both the same " + (Upstreams.LEDGER.equals(service) ? "IMGBOARD_SERVICE_TOKEN"
                    : "IMGBOARD_ADMIN_TOKEN"));
        }
        if (answer.status() >= 500) {
            return ErrorBody.response(502, service + " failed: " + answer.error());
        }
        return ErrorBody.response(answer.status(), answer.error());
    }

    /** A write whose body must be a JSON object; anything else is a 400 the page can show. */
    Uni<Response> write(String service, String method, String path, JsonNode body, String example) {
        if (body == null || !body.isObject()) {
            return badRequest("Send a JSON object, e.g. " + example + ".");
        }
        return relay(service, method, path, body);
    }

    static Uni<Response> badRequest(String message) {
        return Uni.createFrom().item(ErrorBody.response(400, message));
    }

    /** One path segment, percent-encoded (a space is {@code %20}, never {@code +}). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code ?a=1&b=2} of the non-blank values, encoded; empty when there are none. */
    static String query(Map<String, String> parameters) {
        StringJoiner joined = new StringJoiner("&", "?", "");
        joined.setEmptyValue("");
        parameters.forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                joined.add(name + "=" + URLEncoder.encode(value.strip(), StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }
}
