package io.imgboard.display.rest;

import io.imgboard.display.config.AdminConfig;
import io.imgboard.display.service.frames.FramesConfig;
import io.imgboard.support.ClientAddress;
import io.imgboard.support.RequestPath;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Who may see frames, and who may embed them.
 *
 * <ul>
 *   <li>Frame pages ({@code /}, {@code /index.html}, {@code /frames/<name>}) carry
 *       {@code Content-Security-Policy: frame-ancestors <imgboard.frames.frame-ancestors>} when it is set
 *       (unset: no rule, as img-board sent none, so any site such as DAKboard may put a frame in its iframe).</li>
 *   <li>With {@code imgboard.frames.token} set, frame pages, their streams and windows, the playlist and
 *       media (img-board's {@code /images} and {@code /api/events} too) answer only a caller that sends
 *       {@code ?token=} (a page then sets a cookie, so its own requests need no parameter), that cookie,
 *       the admin token, or comes from {@code imgboard.frames.allowed-networks} (then loopback too). Others get
 *       401 {@code {"error":…}}. Without the token, frames are open, as img-board's were.</li>
 * </ul>
 *
 * Runs before routing, for static files and resources alike. The caller's address is judged as the
 * admin side judges it ({@link ClientAddress}: {@code X-Forwarded-For} only from trusted proxies).
 */
@ApplicationScoped
class FrameAccess {
    static final String COOKIE = "imgboard_frame";
    static final String REQUIRED = "this display's frames need their token: open the frame with ?token=<imgboard.frames.token>";

    private final Optional<byte[]> token;
    private final Optional<byte[]> adminToken;
    private final List<IpSubnetFilterRule> allowed;
    private final ClientAddress callers;
    private final String frameAncestors;

    FrameAccess(FramesConfig frames, AdminConfig admin, ClientAddress callers) {
        this.token = frames.token().map(String::strip).filter(t -> !t.isEmpty()).map(FrameAccess::sha256);
        this.adminToken = admin.token().map(String::strip).filter(t -> !t.isEmpty()).map(FrameAccess::sha256);
        this.allowed = ClientAddress.networks("imgboard.frames.allowed-networks", frames.allowedNetworks().orElse(List.of()));
        this.callers = callers;
        this.frameAncestors = frames.frameAncestors().map(String::strip).orElse("");
    }

    void install(@Observes Router router) {
        router.route().order(-1000).handler(this::check);
    }

    void check(RoutingContext context) {
        // As the routers will route it, and without a trailing slash, which they forgive too (/api/v1/playlist/)
        String canonical = RequestPath.canonical(context.request().path());
        String path = canonical.length() > 1 && canonical.endsWith("/") ? canonical.substring(0, canonical.length() - 1) : canonical;
        boolean page = isPage(path);
        if (page && !frameAncestors.isEmpty()) {
            context.response().putHeader("Content-Security-Policy", "frame-ancestors " + frameAncestors);
        }
        if (token.isEmpty() || !(page || isFrameData(path))) {
            context.next();
            return;
        }
        HttpServerRequest request = context.request();
        String offered = request.getParam("token");
        if (offered != null && matches(token, offered)) {
            // The page's own requests (stream, windows, images) then need no parameter.
            Cookie cookie = Cookie.cookie(COOKIE, offered).setPath("/").setHttpOnly(true).setMaxAge(400L * 24 * 3600);
            if (request.isSSL()) {
                cookie.setSecure(true).setSameSite(CookieSameSite.NONE); // inside another site's iframe
            } else {
                cookie.setSameSite(CookieSameSite.LAX);
            }
            context.response().addCookie(cookie);
            context.next();
            return;
        }
        Cookie cookie = request.getCookie(COOKIE);
        String authorization = request.getHeader("Authorization");
        boolean admin = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && matches(adminToken, authorization.substring(7).strip());
        if (cookie != null && matches(token, cookie.getValue()) || admin || fromAllowedNetwork(request)) {
            context.next();
            return;
        }
        context.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end("{\"error\":\"" + REQUIRED + "\",\"status\":401}");
    }

    private boolean fromAllowedNetwork(HttpServerRequest request) {
        InetAddress caller = callers.caller(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                request.headers().getAll("X-Forwarded-For")).address();
        if (caller == null) {
            return false;
        }
        if (allowed.isEmpty()) {
            return false; // loopback alone is no proof: a proxy on this host makes every caller loopback
        }
        if (caller.isLoopbackAddress()) {
            return true;
        }
        return ClientAddress.within(allowed, caller);
    }

    static boolean isPage(String path) {
        return "/".equals(path) || "/index.html".equals(path) || path != null && path.startsWith("/frames/");
    }

    /** What shows a household's photos: streams, windows, the playlist, media, and img-board's equivalents. */
    static boolean isFrameData(String path) {
        if (path == null) {
            return false;
        }
        return path.equals("/api/v1/events") || path.startsWith("/api/v1/frames/") && path.endsWith("/next")
                || path.equals("/api/v1/playlist") || path.startsWith("/media/")
                || path.equals("/api/events") || path.equals("/api/images") || path.startsWith("/images/");
    }

    private static boolean matches(Optional<byte[]> expected, String offered) {
        return expected.isPresent() && offered != null && MessageDigest.isEqual(expected.get(), sha256(offered.strip()));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
