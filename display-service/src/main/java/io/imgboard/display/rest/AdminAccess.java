package io.imgboard.display.rest;

import io.imgboard.support.ClientAddress;
import io.imgboard.support.ErrorBody;
import io.imgboard.support.FailedAttempts;
import io.imgboard.support.RequestPath;
import io.imgboard.display.config.AdminConfig;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use the admin side.
 *
 * <ul>
 *   <li>{@link AdminOnly} resources ({@code /api/v1/admin/*}, {@code /api/v1/ops/*}) need
 *       {@code Authorization: Bearer <imgboard.admin.token>}: 401 without it, 503 when no token is
 *       configured. Their namespaces are refused before routing ({@link #isAdminOnlyPath}), so a caller
 *       without the token gets its 401 before any 404, 405 or 415.</li>
 *   <li>img-board's admin routes ({@code /api/admin/*}, {@link #isCompatAdminPath}) admit the same
 *       token, or a caller from {@code imgboard.admin.allowed-networks} (and then loopback too, as
 *       img-board did); everything else gets img-board's plain 403 {@code {"error":"Access denied"}},
 *       which its frames turn into their 5 s default.</li>
 *   <li>The admin page itself ({@code /admin}, {@code /admin.html}, {@code /admin/}) and its scripts
 *       are open: a browser cannot send a bearer token when it navigates, so a protected page could
 *       never show its sign-in. The page holds no data; everything it shows or changes comes from the
 *       routes above.</li>
 * </ul>
 *
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}: constant time, and
 * the length of the real token does not leak either. The caller's address is {@link ClientAddress}'s:
 * the connection's peer, or {@code X-Forwarded-For} when that peer is one of
 * {@code imgboard.auth.trusted-proxies}. That same address is what {@link FailedAttempts} counts
 * wrong tokens against: once it has sent too many, a request with a token answers 429.
 */
class AdminAccess {
    static final String NOT_CONFIGURED = "admin token not configured";
    static final String REQUIRED = "admin token required: send Authorization: Bearer <token>";
    static final String ACCESS_DENIED = "Access denied";
    static final String TOO_MANY = "too many wrong tokens from your address: wait and try again";
    private static final String BEARER = "bearer ";
    private static final String ADMIN_API = "/api/v1/admin";
    private static final String OPS_API = "/api/v1/ops";
    private static final String FRAMES_API = "/api/v1/frames";

    private final Optional<byte[]> expected;
    private final List<IpSubnetFilterRule> allowed;
    private final ClientAddress callers;
    private final FailedAttempts failures;

    @Inject
    AdminAccess(AdminConfig admin, ClientAddress callers, FailedAttempts failures) {
        this(admin.token(), admin.allowedNetworks().orElse(List.of()), callers, failures);
    }

    AdminAccess(Optional<String> adminToken, List<String> allowedNetworks, List<String> trustedProxies) {
        this(adminToken, allowedNetworks, new ClientAddress(trustedProxies),
                new FailedAttempts(10, java.time.Duration.ofMinutes(1), System::nanoTime));
    }

    AdminAccess(Optional<String> adminToken, List<String> allowedNetworks, ClientAddress callers, FailedAttempts failures) {
        this.failures = failures;
        this.callers = callers;
        this.expected = adminToken.map(String::strip).filter(t -> !t.isEmpty()).map(AdminAccess::sha256);
        this.allowed = ClientAddress.networks("imgboard.admin.allowed-networks", allowedNetworks);
    }

    /**
     * After routing, by what the request was routed to: an {@link AdminOnly} resource, or one of img-board's
     * admin routes (by its route template, which no spelling of the request's path can change).
     */
    @ServerRequestFilter
    Optional<Response> check(ResourceInfo resource, HttpHeaders headers, HttpServerRequest request) {
        Class<?> target = resource.getResourceClass();
        if (target == null) {
            return Optional.empty();
        }
        if (target.isAnnotationPresent(AdminOnly.class)) {
            return refusal(headers.getHeaderString(HttpHeaders.AUTHORIZATION), caller(request).counted());
        }
        return isCompatAdminPath(routeTemplate(resource)) ? compatRefusal(request) : Optional.empty();
    }

    /**
     * The admin paths, before routing: a refused caller gets its 403 (img-board's routes) or 401 whatever else
     * is wrong with the request (a wrong content type or method, a path that is no route), and learns nothing
     * about which admin routes exist or what they take. The path is judged as the router will route it
     * ({@link RequestPath#canonical}); {@link #check} judges the route again.
     */
    @ServerRequestFilter(preMatching = true)
    Optional<Response> checkBeforeRouting(HttpServerRequest request) {
        String path = RequestPath.canonical(request.path());
        if (isCompatAdminPath(path)) {
            return compatRefusal(request);
        }
        return isAdminOnlyPath(path) ? refusal(request.getHeader(HttpHeaders.AUTHORIZATION), caller(request).counted())
                : Optional.empty();
    }

    /** The class's and the method's {@code @Path} joined: the template the request matched. */
    static String routeTemplate(ResourceInfo resource) {
        Path type = resource.getResourceClass().getAnnotation(Path.class);
        Path method = resource.getResourceMethod() == null ? null : resource.getResourceMethod().getAnnotation(Path.class);
        return RequestPath.canonical((type == null ? "" : type.value()) + "/" + (method == null ? "" : method.value()));
    }

    private Optional<Response> compatRefusal(HttpServerRequest request) {
        ClientAddress.Caller caller = caller(request);
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        Optional<Response> limited = tooMany(authorization, caller.counted());
        if (limited.isPresent()) {
            return limited;
        }
        if (hasToken(authorization)) {
            failures.succeeded(caller.counted(), authorization);
            return Optional.empty();
        }
        if (compatAdmitted(authorization, caller.address())) {
            return Optional.empty();
        }
        countFailure(authorization, caller.counted());
        return Optional.of(Compat.error(Response.Status.FORBIDDEN, ACCESS_DENIED));
    }

    /**
     * The namespaces of the {@link AdminOnly} resources: {@code /api/v1/admin}, {@code /api/v1/ops} and
     * {@code /api/v1/frames}, except a frame's own {@code /api/v1/frames/{name}/next}. {@code AdminAccessTest}
     * holds this to the annotations of every route the display has.
     */
    static boolean isAdminOnlyPath(String path) {
        if (RequestPath.isAtOrUnder(path, ADMIN_API) || RequestPath.isAtOrUnder(path, OPS_API)) {
            return true;
        }
        if (!RequestPath.isAtOrUnder(path, FRAMES_API)) {
            return false;
        }
        String[] rest = path.substring(FRAMES_API.length()).split("/"); // "", name, "next"
        return !(rest.length == 3 && rest[2].equals("next"));
    }

    /** Everything under {@code /api/admin}: img-board's admin data routes (not its page, see the class comment). */
    static boolean isCompatAdminPath(String path) {
        if (path == null) {
            return false;
        }
        return RequestPath.isAtOrUnder(path.toLowerCase(Locale.ROOT), "/api/admin");
    }

    /** Empty when {@code authorization} carries the token; else the 401 or 503 to answer. */
    Optional<Response> refusal(String authorization) {
        return refusal(authorization, null);
    }

    /** As {@link #refusal(String)}, counting a wrong token against {@code caller} and refusing it with 429 when it sent too many. */
    Optional<Response> refusal(String authorization, InetAddress caller) {
        if (expected.isEmpty()) {
            return Optional.of(ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, NOT_CONFIGURED));
        }
        Optional<Response> limited = tooMany(authorization, caller);
        if (limited.isPresent()) {
            return limited;
        }
        if (hasToken(authorization)) {
            failures.succeeded(caller, authorization);
            return Optional.empty();
        }
        countFailure(authorization, caller);
        return Optional.of(Response.fromResponse(ErrorBody.response(Response.Status.UNAUTHORIZED, REQUIRED))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"img-board admin\"")
                .build());
    }

    /** A request that carries a token from an address that sent too many wrong ones: 429, its token unchecked (unless it was right from there before). */
    private Optional<Response> tooMany(String authorization, InetAddress caller) {
        long wait = authorization == null ? 0 : failures.retryAfterSeconds(caller, authorization);
        if (wait == 0) {
            return Optional.empty();
        }
        return Optional.of(Response.fromResponse(ErrorBody.response(429, TOO_MANY + " (" + wait + " s)"))
                .header(HttpHeaders.RETRY_AFTER, Long.toString(wait))
                .build());
    }

    /** Only a token that was sent counts: a request without one is no guess (browsers send one first). */
    private void countFailure(String authorization, InetAddress caller) {
        if (authorization != null && !authorization.isBlank()) {
            failures.failed(caller, authorization);
        }
    }

    /** img-board's rule: the token, or (when an allowlist is configured) an allowed network or loopback. */
    boolean compatAdmitted(String authorization, InetAddress caller) {
        if (hasToken(authorization)) {
            return true;
        }
        if (allowed.isEmpty() || caller == null) {
            return false;
        }
        return caller.isLoopbackAddress() || ClientAddress.within(allowed, caller);
    }

    /** Who called ({@link ClientAddress#caller}). */
    ClientAddress.Caller caller(SocketAddress peer, List<String> forwardedFor) {
        return callers.caller(peer == null ? null : peer.hostAddress(), forwardedFor);
    }

    private ClientAddress.Caller caller(HttpServerRequest request) {
        return caller(request.remoteAddress(), request.headers().getAll("X-Forwarded-For"));
    }

    private boolean hasToken(String authorization) {
        return expected.isPresent() && authorization != null && authorization.length() > BEARER.length()
                && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)
                && MessageDigest.isEqual(expected.get(), sha256(authorization.substring(BEARER.length()).strip()));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
