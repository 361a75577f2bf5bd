package io.imgboard.ledger.rest;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors as JSON {@link ErrorBody}, never a stack trace. */
class ErrorMappers {

    @ServerExceptionMapper
    Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return json(status, e.getMessage() != null ? e.getMessage() : Response.Status.fromStatusCode(status).toString());
    }

    @ServerExceptionMapper
    Response unexpected(Exception e) {
        Log.errorf(e, "request failed");
        return json(500, "internal error; the ledger's log has the details");
    }

    static Response json(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(error, status)).build();
    }
}
