package io.imgboard.ingest.rest;

import io.imgboard.ingest.config.S3Config;
import io.imgboard.ingest.config.StartupCheck;
import io.imgboard.ingest.config.UploadConfig;
import io.imgboard.ingest.service.RejectionReason;
import io.imgboard.ingest.service.Rejections;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks the token and the declared body size before anything reads the body. A JAX-RS filter
 * would run only after the multipart body had been spooled to disk, so a stranger could fill the
 * disk; here a refused upload costs nothing but the refusal.
 *
 * <p>Every path needs the token except the operational ones under the non-application root
 * ({@code /q/health}, {@code /q/metrics}, {@code /q/openapi}): failing closed means no spelling of
 * an API path can slip past.
 */
@ApplicationScoped
class RequestGate {
    /** Runs before Quarkus's own handlers, body reading included. */
    private static final int PRIORITY = 100;
    /** How long a refused client may keep sending the body it had started before the connection is closed. */
    private static final long DRAIN_MILLIS = 10_000;

    private final TokenCheck token;
    private final Rejections rejections;
    private final long maxBodyBytes;
    private final String openPrefix;
    private final Vertx vertx;

    RequestGate(UploadConfig config, S3Config s3, Rejections rejections, Vertx vertx,
                @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
                @ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q") String nonApplicationRoot) {
        StartupCheck.requireValid(config, s3);
        this.token = new TokenCheck(config.token().orElse(null));
        this.rejections = rejections;
        this.vertx = vertx;
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.openPrefix = "/" + nonApplicationRoot.replaceAll("^/+|/+$", "") + "/";
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    void filter(RoutingContext context) {
        HttpServerRequest request = context.request();
        String path = context.normalizedPath();
        if (path != null && path.startsWith(openPrefix)) {
            context.next();
            return;
        }
        if (!token.accepts(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            rejections.record(RejectionReason.UNAUTHORIZED, Rejections.REQUEST, request.method() + " " + path
                    + " from " + request.remoteAddress() + " without a valid token");
            refuse(context, 401, "missing or wrong upload token: send the header Authorization: Bearer <token>");
            return;
        }
        long declared = declaredLength(request);
        if (declared > maxBodyBytes) {
            String error = "request too large: " + declared + " bytes, the limit is " + maxBodyBytes + " bytes";
            rejections.record(RejectionReason.TOO_LARGE, Rejections.REQUEST, error);
            refuse(context, 413, error);
            return;
        }
        context.next();
    }

    private static long declaredLength(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null) {
            return -1; // chunked: Quarkus's own limit applies while the body is read
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Answers now, without reading the body. A client that is still sending may not see an answer
     * if the connection were closed under it, so what it sends is read and dropped for a while
     * (bounded), then the connection is closed.
     */
    private void refuse(RoutingContext context, int status, String error) {
        HttpServerRequest request = context.request();
        var response = context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        response.end(new JsonObject().put("error", error).put("status", status).encode());
        if (!request.isEnded()) {
            long timer = vertx.setTimer(DRAIN_MILLIS, id -> request.connection().close());
            request.handler(ignored -> { });
            request.endHandler(ignored -> vertx.cancelTimer(timer));
            request.resume();
        }
    }
}
