package io.imgboard.display.rest;

import io.imgboard.display.config.AdminConfig;
import io.imgboard.display.config.NeighboursConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code Authorization: Bearer <token>} for the {@link AdminOnly} resources (the admin and ops
 * APIs): they show failures and upload rejections, and ask ingest with the upload token. Frames
 * ({@code /}, the stream, the playlist, media) stay anonymous.
 *
 * <p>The token is {@code imgboard.admin.token}, else {@code imgboard.upload.token}; with neither the
 * APIs answer 503, so a deployment without one is visibly unfinished rather than open. Tokens are
 * compared as SHA-256 digests with {@link MessageDigest#isEqual}: constant time, and the length of
 * the real token does not leak either.
 */
class AdminAccess {
    static final String NOT_CONFIGURED = "admin token not configured";
    static final String REQUIRED = "admin token required: send Authorization: Bearer <token>";
    private static final String BEARER = "bearer ";

    private final Optional<byte[]> expected;

    @Inject
    AdminAccess(AdminConfig admin, NeighboursConfig.Upload upload) {
        this(admin.token(), upload.token());
    }

    AdminAccess(Optional<String> adminToken, Optional<String> uploadToken) {
        this.expected = usable(adminToken).or(() -> usable(uploadToken)).map(AdminAccess::sha256);
    }

    @ServerRequestFilter
    Optional<Response> check(ResourceInfo resource, HttpHeaders headers) {
        Class<?> target = resource.getResourceClass();
        if (target == null || !target.isAnnotationPresent(AdminOnly.class)) {
            return Optional.empty();
        }
        return refusal(headers.getHeaderString(HttpHeaders.AUTHORIZATION));
    }

    /** Empty when {@code authorization} carries the token; else the 401 or 503 to answer. */
    Optional<Response> refusal(String authorization) {
        if (expected.isEmpty()) {
            return Optional.of(ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, NOT_CONFIGURED));
        }
        if (authorization != null && authorization.length() > BEARER.length()
                && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)
                && MessageDigest.isEqual(expected.get(), sha256(authorization.substring(BEARER.length()).strip()))) {
            return Optional.empty();
        }
        return Optional.of(Response.fromResponse(ErrorBody.response(Response.Status.UNAUTHORIZED, REQUIRED))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"img-board admin\"")
                .build());
    }

    private static Optional<String> usable(Optional<String> token) {
        return token.map(String::strip).filter(t -> !t.isEmpty());
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
