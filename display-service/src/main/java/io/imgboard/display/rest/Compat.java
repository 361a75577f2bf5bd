package io.imgboard.display.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * How img-board's routes answer JSON: {@code application/json; charset=utf-8}, {@code no-store},
 * and an object with a string {@code error} on failure (its admin page prints {@code Error: <error>}).
 * A body is written here, before the answer leaves, so its length is known: HEAD answers with the
 * GET's headers, {@code Content-Length} included, as Express does.
 */
final class Compat {
    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";

    /** The answers are JSON trees and lists of names; nothing here needs the service's own mapper settings. */
    private static final ObjectWriter WRITER = JsonMapper.builder().build().writer();

    private Compat() {
    }

    static Response json(int status, Object body) {
        byte[] bytes;
        try {
            bytes = WRITER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an img-board answer could not be written as JSON", e);
        }
        return Response.status(status).type(JSON).header(HttpHeaders.CACHE_CONTROL, "no-store").entity(bytes).build();
    }

    /** The HEAD of a GET: its status and headers, with the length of the body it would have sent, and no body. */
    static Response head(Response get) {
        Response.ResponseBuilder head = Response.fromResponse(get).entity(null);
        if (get.getEntity() instanceof byte[] body) {
            head.header(HttpHeaders.CONTENT_LENGTH, body.length);
        } else if (get.getEntity() instanceof String text) {
            head.header(HttpHeaders.CONTENT_LENGTH, text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        return head.build();
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
