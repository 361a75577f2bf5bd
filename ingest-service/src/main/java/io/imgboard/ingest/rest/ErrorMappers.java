package io.imgboard.ingest.rest;

import io.imgboard.support.ErrorBody;
import io.imgboard.ingest.service.RejectionReason;
import io.imgboard.ingest.service.Rejections;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.IOException;

/**
 * Every failure becomes {@code {"error": ..., "status": ...}}; a stack trace goes to the log, never to
 * the client. An unavailable S3 or Kafka is not an exception here: {@code UploadService} makes it a
 * per-file {@code failed} result, so one request's other files keep theirs. A JSON body of the wrong
 * shape is answered by {@code io.imgboard.support.JsonBodyErrors}, shared with the other services.
 */
class ErrorMappers {
    private final Rejections rejections;

    ErrorMappers(Rejections rejections) {
        this.rejections = rejections;
    }

    @ServerExceptionMapper
    Response api(ApiException e) {
        return json(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            Log.errorf(e, "request failed");
            return json(status, "internal error; see the service log");
        }
        return json(status, e.getMessage());
    }

    @ServerExceptionMapper
    Response unexpected(Exception e, HttpServerResponse response) {
        if (response.ended()) {
            // Quarkus has answered already. With a declared length RequestGate refuses an oversized
            // body before it is read; a chunked one is cut off by Quarkus at its path's limit (413, no
            // body, connection closed). WebDAV's handlers hand the reader's IOException on wrapped.
            Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            if (cause instanceof IOException && "Request too large".equals(cause.getMessage())) {
                rejections.record(RejectionReason.TOO_LARGE, Rejections.REQUEST,
                        "request too large: the chunked body ran over the limit (imgboard.upload.max-size for uploads, "
                                + "quarkus.http.limits.max-body-size for WebDAV)");
            } else {
                Log.warnf("request ended early: %s", e.toString());
            }
            return null;
        }
        Log.errorf(e, "request failed");
        return json(500, "internal error; see the service log");
    }

    private static Response json(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(error, status)).build();
    }
}
