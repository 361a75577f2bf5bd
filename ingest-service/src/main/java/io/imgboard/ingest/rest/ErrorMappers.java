package io.imgboard.ingest.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.imgboard.ingest.service.RejectionReason;
import io.imgboard.ingest.service.Rejections;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Every failure becomes {@code {"error": ..., "status": ...}}; a stack trace goes to the log, never to
 * the client. An unavailable S3 or Kafka is not an exception here: {@code UploadService} makes it a
 * per-file {@code failed} result, so one request's other files keep theirs.
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

    /**
     * A JSON body that does not parse, or has the wrong shape ({@code {"sha256": 5}}, a list where an
     * object belongs): a 400 that says so and names the field. Mapped for Jackson's exact types, so
     * these win over Quarkus' built-in mappers (an empty answer, or its binding internals).
     */
    @ServerExceptionMapper
    Response unreadable(JsonProcessingException e) {
        return json(400, unreadableBody(e));
    }

    @ServerExceptionMapper
    Response mismatched(MismatchedInputException e) {
        return json(400, unreadableBody(e));
    }

    @ServerExceptionMapper
    Response malformed(JsonParseException e) {
        return json(400, unreadableBody(e));
    }

    static String unreadableBody(JsonProcessingException e) {
        if (e instanceof JsonParseException) {
            return "the request body is not valid JSON";
        }
        String where = e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? " at " + mapping.getPath().stream()
                .map(step -> step.getFieldName() != null ? step.getFieldName() : "[" + step.getIndex() + "]")
                .collect(Collectors.joining("."))
                : "";
        return "the request body is not the JSON this route takes" + where
                + ": a field has the wrong type (text, number, list or object), or the body is not an object";
    }

    @ServerExceptionMapper
    Response unexpected(Exception e, HttpServerResponse response) {
        if (response.ended()) {
            // Quarkus has answered already. With a declared length RequestGate refuses an oversized
            // body before it is read; a chunked one is cut off by Quarkus (413, no body, connection closed).
            if (e instanceof IOException && "Request too large".equals(e.getMessage())) {
                rejections.record(RejectionReason.TOO_LARGE, Rejections.REQUEST,
                        "request too large: the chunked body ran over quarkus.http.limits.max-body-size");
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
