package io.imgboard.display.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Every error the display answers: {@code {"error": "<for a person>", "status": <code>}}, never a stack trace. */
public record ErrorBody(String error, int status) {

    static Response response(Response.Status status, String error) {
        return response(status.getStatusCode(), error);
    }

    static Response response(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(error, status)).build();
    }
}
