package io.imgboard.ledger.rest;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors as JSON {@link ErrorBody}, never a stack trace. A client error (4xx) says what was wrong
 * with the request; a server error says only that it happened: its message may name SQL, hosts or
 * credentials, so it goes to the log, not to the caller.
 */
class ErrorMappers {
    static final String SERVER_ERROR = "internal error; the ledger's log has the details";

    @ServerExceptionMapper
    Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            Log.errorf(e, "request failed with status %d", status);
            return json(status, SERVER_ERROR);
        }
        if (e.getMessage() != null) {
            return json(status, e.getMessage());
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return json(status, known != null ? known.getReasonPhrase() : "HTTP " + status);
    }

    /**
     * A body that is not JSON, or not the shape the route takes ({@code {"sha256": 5}}, a list where
     * an object belongs). Quarkus' own answer is empty or a dump of its binding internals; this one
     * names the field. Mapped for the exact Jackson types too, so these win over Quarkus' built-ins.
     */
    @ServerExceptionMapper
    Response unreadable(com.fasterxml.jackson.core.JsonProcessingException e) {
        return json(400, unreadableMessage(e));
    }

    @ServerExceptionMapper
    Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return json(400, unreadableMessage(e));
    }

    @ServerExceptionMapper
    Response malformed(com.fasterxml.jackson.core.JsonParseException e) {
        return json(400, unreadableMessage(e));
    }

    static String unreadableMessage(com.fasterxml.jackson.core.JsonProcessingException e) {
        String where = "";
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            where = " at \"" + m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining(".")) + "\"";
        }
        return e instanceof com.fasterxml.jackson.core.JsonParseException
                ? "the request body is not valid JSON"
                : "the request body is not the JSON this route takes" + where
                        + ": a field has the wrong type (text, number, list or object) or the body is not an object";
    }

    @ServerExceptionMapper
    Response unexpected(Exception e) {
        Log.errorf(e, "request failed");
        return json(500, SERVER_ERROR);
    }

    static Response json(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(error, status)).build();
    }
}
