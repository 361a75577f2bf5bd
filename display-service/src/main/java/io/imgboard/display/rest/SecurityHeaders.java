package io.imgboard.display.rest;

import io.imgboard.support.RequestPath;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Locale;

/**
 * The headers that harden the display's answers, set in one place for static files, REST resources and
 * the plain Vert.x routes (the SSE streams of {@code FrameStreams} and img-board's {@code /api/events}):
 *
 * <ul>
 *   <li>{@code X-Content-Type-Options: nosniff} on every answer: a browser takes each one as the type it
 *       is sent as, never a script or a page guessed from its bytes.</li>
 *   <li>{@code Cache-Control: no-store} on the admin and ops APIs, the paths {@link AdminAccess} guards with
 *       the admin token ({@link AdminAccess#isAdminOnlyPath}: {@code /api/v1/admin/**}, {@code /api/v1/ops/**},
 *       {@code /api/v1/frames/**} but a frame's own {@code next}) and img-board's {@code /api/admin/**}
 *       ({@link AdminAccess#isCompatAdminPath}): {@code POST /api/v1/admin/devices} answers a new device's
 *       token once, and nothing the admin token reads belongs in a browser's or a proxy's cache. The guard is
 *       asked rather than a list of our own, so a namespace it guards is never one that caches may keep.</li>
 *   <li>The admin and ops pages ({@code /admin}, {@code /admin.html}, {@code /admin/**}, {@code /ops},
 *       {@code /ops/**}) may not be framed: {@code X-Frame-Options: DENY} and a {@link #PAGE_POLICY} with
 *       {@code frame-ancestors 'none'}. They sign in from {@code localStorage}, so a foreign site that framed
 *       one could trick the admin into clicking Delete or Revoke (clickjacking). The policy allows what the
 *       pages use and nothing else: scripts and styles from this display only (no inline script or style;
 *       uPlot sets its styles through the CSSOM, which the policy does not touch), images from here (the
 *       thumbnails from {@code /media}) or {@code data:}/{@code blob:}, requests to this display.</li>
 * </ul>
 *
 * The frame pages, their streams and media ({@code /}, {@code /frames/*}, {@code /images/*},
 * {@code /media/*}, {@code /api/v1/events}, {@code /api/events}) get neither rule: DAKboard shows them in
 * its iframes ({@link FrameAccess} sends their {@code frame-ancestors} only when
 * {@code imgboard.frames.frame-ancestors} is set).
 *
 * <p>Written here rather than as {@code quarkus.http.header} / {@code quarkus.http.filter} configuration:
 * those set their headers before the handler runs, so a resource's own {@code Cache-Control} replaced
 * them, and match a regular expression against the path as sent, where the routers forgive
 * {@code //admin/}, {@code /api;x/v1/admin/...} and {@code %61}. This route sets its headers as they go
 * out ({@code addHeadersEndHandler}: last, whatever the handler set) and judges the path as the routers
 * route it ({@link RequestPath#canonical}, lower-cased so it errs towards guarding), as the other guards do.
 * It runs before {@link FrameAccess}, so that guard's own 401s carry them too.
 */
@ApplicationScoped
class SecurityHeaders {
    /** The admin and ops pages' Content-Security-Policy. */
    static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; object-src 'none';"
            + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    void install(@Observes Router router) {
        router.route().order(-1100).handler(this::headers);
    }

    void headers(RoutingContext context) {
        String canonical = RequestPath.canonical(context.request().path());
        String path = canonical.toLowerCase(Locale.ROOT);
        boolean adminPage = isAdminPage(path);
        boolean adminApi = isAdminApi(canonical) || isAdminApi(path);
        context.addHeadersEndHandler(ignored -> {
            MultiMap headers = context.response().headers();
            headers.set("X-Content-Type-Options", "nosniff");
            if (adminApi) {
                headers.set("Cache-Control", "no-store");
            }
            if (adminPage) {
                headers.set("X-Frame-Options", "DENY");
                headers.set("Content-Security-Policy", PAGE_POLICY);
            }
        });
        context.next();
    }

    /** The admin and ops pages, and anything under them ({@code path} canonical and lower-cased). */
    static boolean isAdminPage(String path) {
        return path.equals("/admin.html") || RequestPath.isAtOrUnder(trimmed(path), "/admin")
                || RequestPath.isAtOrUnder(trimmed(path), "/ops");
    }

    /**
     * Everything the admin token reads or changes on this display ({@code path} canonical), as {@link AdminAccess}
     * judges it. {@link #headers} asks for the path both as it is and lower-cased, so that every spelling errs
     * towards guarding (a frame's {@code .../NEXT} is no frame's own {@code next}, and {@code /API/admin} is guarded).
     */
    static boolean isAdminApi(String path) {
        return AdminAccess.isAdminOnlyPath(path) || AdminAccess.isCompatAdminPath(path);
    }

    private static String trimmed(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
