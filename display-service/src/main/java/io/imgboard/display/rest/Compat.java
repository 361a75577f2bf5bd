package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * How img-board's routes answer JSON: {@code application/json; charset=utf-8}, {@code no-store},
 * and an object with a string {@code error} on failure (its admin page prints {@code Error: <error>}).
 */
final class Compat {
    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";

    private Compat() {
    }

    static Response json(int status, Object body) {
        return Response.status(status).type(JSON).header(HttpHeaders.CACHE_CONTROL, "no-store").entity(body).build();
    }

    static Response ok(Object body) {
        return json(200, body);
    }

    static Response error(Response.Status status, String message) {
        return error(status.getStatusCode(), message);
    }

    static Response error(int status, String message) {
        return json(status, object().put("error", message));
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** img-board's plain-text answers of {@code /images/*}: {@code Forbidden}, {@code Not found}. */
    static Response text(Response.Status status, String message) {
        return Response.status(status).type(TEXT).entity(message).build();
    }
}
