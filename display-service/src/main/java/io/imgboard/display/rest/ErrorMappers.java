package io.imgboard.display.rest;

import io.imgboard.support.ErrorBody;
import io.imgboard.display.service.UpstreamException;
import io.imgboard.display.storage.StorageUnavailableException;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.imgboard.support.JsonBodyErrors;
import io.imgboard.support.MalformedBodies;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.core.multipart.MultipartParser;

/**
 * Turns the failures of what the display depends on into JSON errors a page can show. A JSON body
 * that does not parse or has the wrong shape is answered by the shared {@link JsonBodyErrors}.
 */
class ErrorMappers {

    /** Another service is down or answered nonsense: the display itself is fine, so 502. */
    @ServerExceptionMapper
    Response upstream(UpstreamException e) {
        Log.warnf("%s", e.getMessage());
        return ErrorBody.response(Response.Status.BAD_GATEWAY, e.getMessage());
    }

    /**
     * The framework's own refusals (415 for a body that is not JSON, 405, 406, 404 of a JAX-RS route)
     * come without a body: give them the JSON error every display route answers. A response that
     * already has a body is kept as it is.
     */
    @ServerExceptionMapper
    Response web(WebApplicationException e, jakarta.ws.rs.core.UriInfo uri) {
        Response response = e.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        int status = response.getStatus();
        // The upload routes take multipart/form-data; img-board's answers any other malformed upload 400 (section 2.1).
        String path = uri == null ? "" : uri.getPath().replaceFirst("^/+", "");
        if (status == 415 && "api/admin/upload".equals(path)) {
            return Compat.error(400, "The upload must be multipart/form-data, each file in a part named images");
        }
        if (status == 415 && "api/v1/admin/uploads".equals(path)) {
            return ErrorBody.response(415, "The upload must be multipart/form-data, each file in a part named file");
        }
        // Quarkus wraps a body Jackson cannot read in a bare 400; its cause says what was wrong.
        if (status == 400 && e.getCause() instanceof JsonProcessingException json) {
            return ErrorBody.response(400, JsonBodyErrors.message(json));
        }
        String error;
        if (status >= 500) {
            Log.errorf(e, "request failed with status %d", status);
            error = "internal error; the display's log has the details";
        } else {
            error = switch (status) {
                case 415 -> "The request body must be JSON: send it with Content-Type: application/json.";
                case 405 -> "This route does not take that method" + (response.getHeaderString(HttpHeaders.ALLOW) == null ? "."
                        : "; it takes " + response.getHeaderString(HttpHeaders.ALLOW) + ".");
                case 406 -> "This route answers JSON only: send Accept: application/json (or */*).";
                case 404 -> "Not found";
                default -> {
                    Response.Status known = Response.Status.fromStatusCode(status);
                    yield known != null ? known.getReasonPhrase() : "HTTP " + status;
                }
            };
        }
        if (isImgBoards(path)) {
            // img-board's routes answer in their own form (IMG-BOARD-API section 2): {"error":…} with a charset
            // and no-store, plain text under /images/; so do the framework's refusals of them
            Response.Status known = Response.Status.fromStatusCode(status);
            Response compat = path.startsWith("images/") && known != null
                    ? Compat.text(known, status == 404 ? "Not found" : known.getReasonPhrase())
                    : Compat.error(status, error);
            String allow = response.getHeaderString(HttpHeaders.ALLOW);
            return allow == null ? compat : Response.fromResponse(compat).header(HttpHeaders.ALLOW, allow).build();
        }
        Response.ResponseBuilder json = Response.fromResponse(response).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(error, status));
        return json.build();
    }

    /** A path of img-board's own API ({@code /api/…} but {@code /api/v1/…}, {@code /health}, {@code /images/…}), without its leading slash. */
    private static boolean isImgBoards(String path) {
        return path.equals("api") || path.startsWith("api/") && !path.startsWith("api/v1/") && !path.equals("api/v1")
                || path.equals("health") || path.startsWith("images/");
    }

    /** An upload whose multipart body breaks its own format: the client's error, said in each API's own shape. */
    @ServerExceptionMapper
    Response malformed(MultipartParser.MalformedMessageException e, jakarta.ws.rs.core.UriInfo uri) {
        return malformedMultipart(uri);
    }

    /** A body that could not be read: a malformed multipart one is the client's error; anything else is logged. */
    @ServerExceptionMapper
    Response unreadable(java.io.IOException e, jakarta.ws.rs.core.UriInfo uri) {
        if (MalformedBodies.multipart(e)) {
            return malformedMultipart(uri);
        }
        Log.errorf(e, "request failed");
        return ErrorBody.response(500, "internal error; the display's log has the details");
    }

    private static Response malformedMultipart(jakarta.ws.rs.core.UriInfo uri) {
        String path = uri == null ? "" : uri.getPath().replaceFirst("^/+", "");
        Log.warnf("%s: %s", path, MalformedBodies.MULTIPART);
        return "api/admin/upload".equals(path) ? Compat.error(400, MalformedBodies.MULTIPART)
                : ErrorBody.response(400, MalformedBodies.MULTIPART);
    }

    /** S3 cannot be asked; a frame will try the image again later. */
    @ServerExceptionMapper
    Response storage(StorageUnavailableException e) {
        Log.warnf("%s", e.getMessage());
        return ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, "photo storage is unavailable");
    }
}
