package io.imgboard.ledger.rest;

import io.imgboard.support.DatabaseFailures;
import io.imgboard.support.ErrorBody;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors as JSON {@link ErrorBody}, never a stack trace. A client error (4xx) says what was wrong
 * with the request; a server error says only that it happened: its message may name SQL, hosts or
 * credentials, so it goes to the log, not to the caller. A JSON body of the wrong shape is answered by
 * {@code io.imgboard.support.JsonBodyErrors}, shared with the other services.
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

    @ServerExceptionMapper
    Response unexpected(Exception e) {
        if (DatabaseFailures.unavailable(e)) {
            Log.warnf("request answered 503: the database is unavailable (%s)", DatabaseFailures.describe(e));
            return json(503, DatabaseFailures.UNAVAILABLE);
        }
        Log.errorf(e, "request failed");
        return json(500, SERVER_ERROR);
    }

    static Response json(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(error, status)).build();
    }
}
