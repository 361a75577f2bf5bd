package io.imgboard.ingest.rest;

import io.imgboard.support.Causes;
import io.imgboard.support.DatabaseFailures;
import io.imgboard.support.MalformedBodies;
import io.imgboard.support.ErrorBody;
import io.imgboard.support.RequestPath;
import io.imgboard.ingest.service.RejectionReason;
import io.imgboard.ingest.service.Rejections;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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
    private final int maxFiles;
    private final int maxParts;
    private final long maxFormAttribute;

    ErrorMappers(Rejections rejections, io.imgboard.ingest.config.UploadConfig config,
                 @ConfigProperty(name = "quarkus.http.limits.max-parameters") int maxParts,
                 @ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size") io.quarkus.runtime.configuration.MemorySize maxFormAttribute) {
        this.rejections = rejections;
        this.maxFiles = config.maxFiles();
        this.maxParts = maxParts;
        this.maxFormAttribute = maxFormAttribute.asLongValue();
    }

    @ServerExceptionMapper
    Response api(ApiException e) {
        return json(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    Response web(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        if (e instanceof NotSupportedException && request.method() == HttpMethod.POST
                && RequestPath.canonical(request.path()).equals("/api/v1/uploads")) {
            // RESTEasy's own words ("did not match the value in @Consumes") tell a client nothing it can act on
            String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
            String error = "POST /api/v1/uploads takes multipart/form-data, one \"file\" part per photo (curl -F file=@photo.jpg); "
                    + "this request's Content-Type was " + (type == null || type.isBlank() ? "missing" : printable(type))
                    + ". A file's bytes alone go to PUT /api/v1/uploads/{name}; nothing was kept";
            rejections.record(RejectionReason.UNSUPPORTED_MEDIA_TYPE, Rejections.REQUEST, error);
            return json(415, error);
        }
        if (status == 400 && tooManyParts(e) && request.method() == HttpMethod.POST
                && RequestPath.canonical(request.path()).equals("/api/v1/uploads")) {
            // the multipart parser stopped at the part past its limit (FormPartsConfigSource): said in the upload's terms
            String error = UploadResource.tooManyFiles("more than " + maxParts + " parts sent (a file and its path each, "
                    + "and the source)", maxFiles);
            rejections.record(RejectionReason.TOO_MANY_FILES, Rejections.REQUEST, error);
            return json(400, error);
        }
        if (status == 413 && request.method() == HttpMethod.POST
                && RequestPath.canonical(request.path()).equals("/api/v1/uploads")) {
            // the multipart parser's own refusal ("HTTP 413 Request Entity Too Large"), which read as "the photo is too
            // large" when it was a form field: said in the upload's terms, and listed with the other refusals
            String error = "request too large: a form field (such as path) is over " + maxFormAttribute
                    + " bytes; nothing was kept (a part named \"file\" without a filename is a field too: send each"
                    + " image as a file part with its name, curl -F file=@photo.jpg)";
            rejections.record(RejectionReason.TOO_LARGE, Rejections.REQUEST, error);
            return json(413, error);
        }
        if (status >= 500) {
            Log.errorf(e, "request failed");
            recordFailedUpload(request, e);
            return json(status, "internal error; see the service log");
        }
        return json(status, e.getMessage());
    }

    @ServerExceptionMapper
    Response unexpected(Exception e, HttpServerRequest request, HttpServerResponse response) {
        // With a declared length RequestGate refuses an oversized body before it is read; a chunked one
        // is cut off by Quarkus at its path's limit (413, no body, connection closed), and Quarkus has
        // answered already. WebDAV's handlers hand the reader's IOException on wrapped.
        Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        if (response.ended() && cause instanceof IOException && "Request too large".equals(cause.getMessage())) {
            rejections.record(RejectionReason.TOO_LARGE, Rejections.REQUEST,
                    "request too large: the chunked body ran over the limit (imgboard.upload.max-size for uploads, "
                            + "quarkus.http.limits.max-body-size for WebDAV)");
            return null;
        }
        if (clientClosed(e)) {
            // A phone that lost its network mid-upload: the client's doing, not this service's failure,
            // so no ERROR with a stack trace; the spool file is gone and nobody is left to read an answer.
            // The operator still sees that it happened, and to which file, among the refused uploads.
            if (!isUpload(request)) {
                Log.warnf("%s %s: the client closed the connection before the whole body arrived", request.method(),
                        request.path());
                return response.ended() ? null : json(400, "the connection closed before the whole body arrived");
            }
            rejections.record(RejectionReason.INTERRUPTED, Rejections.requestLabel(request.method().name(), request.path()),
                    "upload interrupted: the client closed the connection before the whole body arrived; nothing was kept");
            return response.ended() ? null
                    : json(RejectionReason.INTERRUPTED.status(), "the connection closed before the whole body arrived");
        }
        if (MalformedBodies.multipart(e)) {
            rejections.record(RejectionReason.BAD_REQUEST, Rejections.requestLabel(request.method().name(), request.path()),
                    "upload refused: " + MalformedBodies.MULTIPART);
            return response.ended() ? null : json(400, MalformedBodies.MULTIPART);
        }
        if (readTimedOut(e)) {
            // A client that went silent mid-body: after quarkus.http.read-timeout with no byte, RESTEasy's body
            // reader closes the connection and throws. No answer reaches the client then (nginx does the same
            // with a body that stops arriving); the 408 below answers only where the connection is still open.
            Log.warnf("%s %s: no more of the body arrived; the read timed out", request.method(), request.path());
            if (isUpload(request)) {
                rejections.record(RejectionReason.INTERRUPTED, Rejections.requestLabel(request.method().name(),
                        request.path()), "upload interrupted: the client stopped sending before the whole body arrived; "
                        + "nothing was kept");
            }
            return response.ended() ? null : json(408, "no more of the body arrived before the read timed out: nothing was kept");
        }
        if (DatabaseFailures.unavailable(e)) {
            Log.warnf("%s %s answered 503: the database is unavailable (%s)", request.method(), request.path(),
                    DatabaseFailures.describe(e));
            if (isUpload(request)) {
                rejections.record(RejectionReason.UNAVAILABLE, Rejections.requestLabel(request.method().name(),
                        request.path()), "upload refused for now: " + DatabaseFailures.UNAVAILABLE + "; nothing was kept");
            }
            return response.ended() ? null : json(503, DatabaseFailures.UNAVAILABLE);
        }
        if (response.ended()) {
            Log.warnf("request ended early: %s", e.toString());
            return null;
        }
        Log.errorf(e, "request failed");
        recordFailedUpload(request, e);
        return json(500, "internal error; see the service log");
    }

    /** An upload that failed on this service's own fault is listed among the refused ones, where operators look. */
    private void recordFailedUpload(HttpServerRequest request, Exception e) {
        HttpMethod method = request.method();
        boolean sendsAFile = method == HttpMethod.PUT || method == HttpMethod.POST || "MOVE".equals(method.name())
                || "COPY".equals(method.name());
        if (sendsAFile && isUpload(request)) {
            rejections.record(RejectionReason.INTERNAL, Rejections.requestLabel(method.name(), request.path()),
                    "upload failed on an internal error (" + e.getClass().getSimpleName() + "; ingest logged its cause): "
                            + "send it again");
        }
    }

    /** A header's value to repeat to a person: printable ASCII, at most 100 characters. */
    private static String printable(String value) {
        String clean = value.strip().replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "…" : clean;
    }

    /** A file sent to be kept: over WebDAV (a file or a chunk) or to the upload API. */
    private static boolean isUpload(HttpServerRequest request) {
        return DavPath.isDav(request.path())
                || RequestPath.isAtOrUnder(RequestPath.canonical(request.path()), "/api/v1/uploads");
    }

    /**
     * Whether RESTEasy's form parser refused a body for holding more parts than
     * {@code quarkus.http.limits.max-parameters}: it throws a plain {@link WebApplicationException} (400), told
     * apart from its other 400s only by its words ("Param limit of 201 was exceeded").
     */
    private static boolean tooManyParts(WebApplicationException e) {
        return e.getMessage() != null && e.getMessage().startsWith("Param limit of ");
    }

    /** Whether reading the body failed because no more of it came within the read timeout. */
    private static boolean readTimedOut(Throwable e) {
        return Causes.any(e, t -> t instanceof IOException && "Read timed out".equals(t.getMessage()));
    }

    /** Whether the request failed because the client closed its connection while sending the body. */
    static boolean clientClosed(Throwable e) {
        // Vert.x says so with its HttpClosedException, or, when the connection went while a write was under way,
        // with the channel's own ClosedChannelException.
        return Causes.any(e, t -> t instanceof HttpClosedException || t instanceof java.nio.channels.ClosedChannelException);
    }

    private static Response json(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(error, status)).build();
    }
}
