package io.imgboard.display.rest;

import io.imgboard.display.service.UpstreamException;
import io.imgboard.display.storage.StorageUnavailableException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns the failures of what the display depends on into JSON errors a page can show. */
class ErrorMappers {

    /** Another service is down or answered nonsense: the display itself is fine, so 502. */
    @ServerExceptionMapper
    Response upstream(UpstreamException e) {
        Log.warnf("%s", e.getMessage());
        return ErrorBody.response(Response.Status.BAD_GATEWAY, e.getMessage());
    }

    /** S3 cannot be asked; a frame will try the image again later. */
    @ServerExceptionMapper
    Response storage(StorageUnavailableException e) {
        Log.warnf("%s", e.getMessage());
        return ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, "photo storage is unavailable");
    }
}
