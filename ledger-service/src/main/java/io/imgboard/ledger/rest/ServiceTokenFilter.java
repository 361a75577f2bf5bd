package io.imgboard.ledger.rest;

import io.imgboard.support.ErrorBody;
import io.imgboard.support.ClientAddress;
import io.imgboard.support.FailedAttempts;
import io.imgboard.support.RequestPath;
import io.imgboard.ledger.config.ServiceTokenConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Every state-changing request (POST, PUT, PATCH, DELETE), on any path, needs {@code Authorization: Bearer
 * <service token>}; reads stay open (the ledger listens on loopback or the private network only), and so does
 * {@code POST /api/v1/photos/known}, a query that is a POST only because 1,000 checksums do not fit a
 * URL. The token is compared in constant time. Without a configured token nothing is writable (the service does not
 * start in production then, see {@code StartupCheck}). Wrong tokens are counted per peer address
 * ({@link FailedAttempts}); an address that sent too many gets 429 for a while, its token unchecked.
 */
class ServiceTokenFilter {
    private static final Set<String> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
    private static final String PREFIX = "Bearer ";
    private static final String KNOWN = "/api/v1/photos/known";

    private final byte[] expected;
    private final FailedAttempts failures;

    ServiceTokenFilter(ServiceTokenConfig config, FailedAttempts failures) {
        this.failures = failures;
        this.expected = config.token().map(String::strip).filter(t -> !t.isEmpty())
                .map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    @ServerRequestFilter(preMatching = true)
    Response check(ContainerRequestContext request, HttpServerRequest connection) {
        // Every write, whatever its path: the one exception is judged on the path as a guard must read it.
        if (!WRITES.contains(request.getMethod()) || RequestPath.canonical(connection.path()).equals(KNOWN)) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        InetAddress peer = connection.remoteAddress() == null ? null : ClientAddress.literal(connection.remoteAddress().hostAddress());
        long wait = header == null ? 0 : failures.retryAfterSeconds(peer, header);
        if (wait > 0) {
            return Response.status(429)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(wait))
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorBody("too many wrong service tokens from your address: try again in " + wait + " s", 429))
                    .build();
        }
        if (expected != null && header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            byte[] given = header.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(expected, given)) {
                failures.succeeded(peer, header);
                return null;
            }
        }
        if (header != null) {
            failures.failed(peer, header);
        }
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"imgboard-ledger\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(header == null
                        ? "this route changes the ledger: send Authorization: Bearer <IMGBOARD_SERVICE_TOKEN>"
                        : "the service token is not valid", 401))
                .build();
    }
}
