package io.imgboard.support;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Every error every service answers with: {@code {"error": "<a sentence for a person>", "status": <code>}},
 * never a stack trace. The one shape of an error body; the services' mappers and resources all build it here.
 */
public record ErrorBody(String error, int status) {

    public static Response response(Response.Status status, String error) {
        return response(status.getStatusCode(), error);
    }

    public static Response response(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(error, status)).build();
    }
}
