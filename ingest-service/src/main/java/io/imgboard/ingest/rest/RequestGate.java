package io.imgboard.ingest.rest;

import io.imgboard.support.ClientAddress;
import io.imgboard.support.FailedAttempts;
import io.imgboard.support.RequestPath;
import io.imgboard.ingest.config.AdminConfig;
import io.imgboard.ingest.config.S3Config;
import io.imgboard.ingest.config.StartupCheck;
import io.imgboard.ingest.config.UploadConfig;
import io.imgboard.ingest.service.Credentials;
import io.imgboard.ingest.service.DeviceTokens;
import io.imgboard.ingest.service.Principal;
import io.imgboard.ingest.service.RejectionReason;
import io.imgboard.ingest.service.Rejections;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks the token and the declared body size before anything reads the body. A JAX-RS filter
 * would run only after the multipart body had been spooled to disk, so a stranger could fill the
 * disk; here a refused upload costs nothing but the refusal.
 *
 * <p>Every path needs a credential except the operational ones under the non-application root
 * ({@code /q/health}, {@code /q/metrics}, {@code /q/openapi}): failing closed means no spelling of
 * an API path can slip past. Uploads and WebDAV take the upload token, a device's token or the
 * admin token ({@link Credentials}); the operator APIs (devices, sources, rejections) only the admin
 * token, judged on the path as the routers route it ({@link RequestPath#canonical}), and again after routing
 * ({@link AdminOnly}). WebDAV paths are confined here too ({@link DavPath}): a path that tries to leave its tree
 * is refused with 400 before anything is read or written. Wrong tokens are counted per caller
 * ({@link FailedAttempts}): the peer, or behind {@code imgboard.auth.trusted-proxies} the address the proxy
 * names ({@link ClientAddress}); a caller that sent too many gets 429 for a while, its token unchecked.
 * A body is taken only while the spool folder's disk keeps {@code imgboard.upload.min-free-space}
 * free after it, and the folder stays within {@code imgboard.upload.spool-size} when that is set: a
 * full disk or folder answers 507 up front instead of failing half-way through a spool file.
 *
 * <p>Bodies have two limits ({@link #limit}): WebDAV's is the HTTP server's own
 * ({@code quarkus.http.limits.max-body-size}, large: push apps send their videos too, and a refused
 * file is sent again forever), the upload API's is {@code imgboard.upload.max-size}. A declared length
 * is judged here; a chunked body is read against its path's limit, which {@link #limitChunked} hands to
 * the body's reader after Quarkus has put its server-wide one. A PUT with {@code Content-Range} is refused
 * with 400 before its body is read: a part of a file must never be stored as the file.
 */
@ApplicationScoped
class RequestGate {
    /** Runs before Quarkus's own handlers, body reading included. */
    private static final int PRIORITY = 100;
    /**
     * Filters run in the order of their priorities, highest first, as routes of order {@code -priority}.
     * Quarkus puts its server-wide body limit on the request at order -2; this runs right after it.
     */
    private static final int AFTER_QUARKUS_BODY_LIMIT = 1;
    /** How long a refused client may keep sending the body it had started before the connection is closed. */
    private static final long DRAIN_MILLIS = 10_000;

    /** The principal a request was admitted as, for the resources: {@link #principal(RoutingContext)}. */
    static final String PRINCIPAL = "imgboard.principal";
    /** {@link System#nanoTime()} when the request's head passed the gate (before its body was read). */
    private static final String ADMITTED = "imgboard.admitted";
    /** Operator APIs: the admin token only. */
    private static final List<String> ADMIN_PATHS = List.of("/api/v1/devices", "/api/v1/sources", "/api/v1/uploads/rejections");

    private final Credentials credentials;
    private final FailedAttempts failures;
    private final ClientAddress callers;
    private final DeviceTokens devices;
    private final Rejections rejections;
    private final long maxBodyBytes;
    private final long maxUploadBytes;
    private final long minFreeBytes;
    /** {@code imgboard.upload.spool-size}, or -1 when the folder has no size of its own. */
    private final long spoolBytes;
    /** The declared bodies of requests admitted to the spool and not ended yet (with a spool size only). */
    private final AtomicLong reserved = new AtomicLong();
    /** Bodies arriving now, by client ({@link #admitBody}); guarded by itself, as is {@link #inFlight}. */
    private final Map<String, Integer> inFlightBy = new HashMap<>();
    private int inFlight;
    private final int maxInFlightPerClient;
    private final int maxInFlight;
    private final Path spool;
    private final String openPrefix;
    private final Vertx vertx;

    RequestGate(UploadConfig config, AdminConfig admin, S3Config s3, Credentials credentials, FailedAttempts failures, ClientAddress callers,
                DeviceTokens devices,
                Rejections rejections, Vertx vertx,
                @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
                @ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q") String nonApplicationRoot,
                @ConfigProperty(name = "quarkus.http.body.uploads-directory") String uploadsDirectory) {
        StartupCheck.requireValid(config, admin, s3);
        this.credentials = credentials;
        this.failures = failures;
        this.callers = callers;
        this.devices = devices;
        this.rejections = rejections;
        this.vertx = vertx;
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.maxUploadBytes = Math.min(config.maxSize().asLongValue(), maxBodyBytes);
        this.maxInFlightPerClient = config.maxInFlightPerClient();
        this.maxInFlight = config.maxInFlight();
        this.minFreeBytes = config.minFreeSpace().asLongValue();
        this.spoolBytes = config.spoolSize().map(MemorySize::asLongValue).orElse(-1L);
        this.spool = Path.of(uploadsDirectory).toAbsolutePath();
        this.openPrefix = "/" + nonApplicationRoot.replaceAll("^/+|/+$", "") + "/";
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
        filters.register(this::limitChunked, AFTER_QUARKUS_BODY_LIMIT);
    }

    /** The most bytes a request on this path may send: WebDAV's limit or the upload API's. */
    long limit(HttpServerRequest request) {
        return DavPath.isDav(request.path()) ? maxBodyBytes : maxUploadBytes;
    }

    /** The caller for the rejections list: its address, and the proxy it came through when that is another. */
    private static String from(String peerHost, InetAddress caller) {
        if (caller == null) {
            return peerHost == null ? "an unknown address" : peerHost + " (forwarding for an address that is not an IP)";
        }
        return caller.equals(ClientAddress.literal(peerHost)) ? caller.getHostAddress() : caller.getHostAddress() + " via " + peerHost;
    }

    /**
     * A body without a declared length is read against its path's limit: the readers of a request's
     * body (RESTEasy's input stream and its multipart parser) stop at the number Quarkus left on the
     * request, and answer 413 with the connection closed.
     */
    void limitChunked(RoutingContext context) {
        if (context.request().getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            context.put(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY, limit(context.request()));
        }
        context.next();
    }

    void filter(RoutingContext context) {
        HttpServerRequest request = context.request();
        String path = context.normalizedPath();
        // Open only when both the Vert.x-normalised path and the path as the routers route it are open.
        if (path != null && path.startsWith(openPrefix) && RequestPath.canonical(request.path()).startsWith(openPrefix)) {
            context.next();
            return;
        }
        boolean dav = DavPath.isDav(request.path());
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        String secret = dav ? TokenCheck.secret(authorization) : TokenCheck.bearer(authorization);
        String peerHost = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        ClientAddress.Caller caller = callers.caller(peerHost, request.headers().getAll("X-Forwarded-For"));
        long wait = secret == null ? 0 : failures.retryAfterSeconds(caller.counted(), secret);
        if (wait > 0) {
            rejections.record(RejectionReason.TOO_MANY_ATTEMPTS, Rejections.REQUEST, request.method() + " " + path
                    + " from " + from(peerHost, caller.address()) + ": too many wrong tokens, refused for " + wait + " s");
            context.response().putHeader("Retry-After", Long.toString(wait));
            refuse(context, 429, "too many wrong tokens from your address: try again in " + wait + " s", false);
            return;
        }
        Principal principal = credentials.identify(secret).orElse(null);
        if (principal == null) {
            if (secret != null) {
                failures.failed(caller.counted(), secret);
            }
            rejections.record(RejectionReason.UNAUTHORIZED, Rejections.REQUEST, request.method() + " " + path
                    + " from " + from(peerHost, caller.address()) + " without a valid token");
            refuse(context, 401, dav
                    ? "missing or wrong credentials: the password is a device token or the upload token (any user name)"
                    : "missing or wrong token: send the header Authorization: Bearer <token>", dav);
            return;
        }
        failures.succeeded(caller.counted(), secret);
        if (isAdminPath(RequestPath.canonical(request.path())) && !principal.isAdmin()) {
            String error = adminRequired(credentials.adminConfigured());
            rejections.record(RejectionReason.UNAUTHORIZED, Rejections.REQUEST, request.method() + " " + path
                    + " from " + from(peerHost, caller.address()) + " without the admin token");
            refuse(context, 401, error, false);
            return;
        }
        if (dav) {
            try {
                DavPath.parse(request.path());
            } catch (DavPath.BadPath e) {
                // listed under the name the client sent (cleaned), so an operator can tell which file it was
                rejections.record(RejectionReason.BAD_REQUEST, Rejections.requestLabel(request.method().name(), request.path()),
                        "WebDAV " + request.method() + ": " + e.getMessage());
                refuse(context, 400, e.getMessage(), false);
                return;
            }
        }
        if (request.method() == HttpMethod.PUT && request.getHeader(HttpHeaders.CONTENT_RANGE) != null) {
            // RFC 9110 §9.3.4: a server that does not apply partial PUTs answers 400, or the part would be stored as the file
            String error = "a PUT with Content-Range (part of a file, a resumed upload) is not supported: nothing was stored; "
                    + "send the whole file in one PUT" + (dav ? " or as a chunked upload" : "");
            rejections.record(RejectionReason.BAD_REQUEST, label(request, dav), error);
            refuse(context, 400, error, false);
            return;
        }
        if (dav && (request.method() == HttpMethod.PUT || "MOVE".equals(request.method().name()))) {
            try {
                DavResource.fileTime(request.getHeader("X-OC-Mtime"));
            } catch (IllegalArgumentException e) {
                rejections.record(RejectionReason.BAD_REQUEST, label(request, dav), e.getMessage());
                refuse(context, 400, e.getMessage(), false);
                return;
            }
        }
        context.put(PRINCIPAL, principal);
        context.put(ADMITTED, System.nanoTime());
        if (principal.deviceId() != null) {
            String device = principal.deviceId();
            vertx.executeBlocking(() -> {
                devices.used(device);
                return null;
            }, false).onFailure(e -> Log.warnf("could not record the use of device %s: %s", device, e.toString()));
        }
        long declared = declaredLength(request);
        long limit = limit(request);
        if (declared > limit) {
            String error = "request too large: " + declared + " bytes, the limit " + (dav ? "for WebDAV" : "for uploads")
                    + " is " + limit + " bytes";
            rejections.record(RejectionReason.TOO_LARGE, label(request, dav), error);
            refuse(context, 413, error, false);
            return;
        }
        if (hasBody(request, declared)) {
            String busy = admitBody(context, principal);
            if (busy != null) {
                rejections.record(RejectionReason.TOO_MANY_AT_ONCE, label(request, dav), busy, Rejections.client(principal.deviceId()));
                context.response().putHeader("Retry-After", "5");
                refuse(context, 429, busy, false);
                return;
            }
            String error = admitToSpool(context, Math.max(declared, 0));
            if (error != null) {
                rejections.record(RejectionReason.SPOOL_FULL, label(request, dav), error, Rejections.client(principal.deviceId()));
                refuse(context, 507, error, false);
                return;
            }
        }
        context.next();
    }

    /** A refused body's label: the file a WebDAV or raw upload PUT was sending, else the request. */
    private static String label(HttpServerRequest request, boolean dav) {
        boolean file = dav ? !request.path().startsWith("/remote.php/dav/uploads/")
                : RequestPath.isAtOrUnder(RequestPath.canonical(request.path()), "/api/v1/uploads");
        return file ? Rejections.requestLabel(request.method().name(), request.path()) : Rejections.REQUEST;
    }

    /** WebDAV's limit on one file, also on one assembled from a chunked upload's chunks. */
    long davLimit() {
        return maxBodyBytes;
    }

    /**
     * Counts a body as arriving until its request ends, or says why it may not start: one client
     * already sends {@code imgboard.upload.max-in-flight-per-client} bodies, or all together send
     * {@code imgboard.upload.max-in-flight}.
     */
    private String admitBody(RoutingContext context, Principal principal) {
        String client = principal.kind() + ":" + principal.name();
        synchronized (inFlightBy) {
            int mine = inFlightBy.getOrDefault(client, 0);
            if (mine >= maxInFlightPerClient) {
                return "too many uploads at once from this client: " + mine + " are still arriving (at most "
                        + maxInFlightPerClient + "); nothing was stored, send it again once one has finished";
            }
            if (inFlight >= maxInFlight) {
                return "too many uploads at once: " + inFlight + " are still arriving; nothing was stored, try again shortly";
            }
            inFlightBy.merge(client, 1, Integer::sum);
            inFlight++;
        }
        context.addEndHandler(ignored -> {
            synchronized (inFlightBy) {
                inFlightBy.computeIfPresent(client, (key, n) -> n > 1 ? n - 1 : null);
                inFlight--;
            }
        });
        return null;
    }

    /**
     * {@link #spoolFull}, and with a spool size, the declared body counted as spooled until its request
     * ends: bodies admitted at once are judged together, not each against what is on disk alone.
     */
    private String admitToSpool(RoutingContext context, long declared) {
        if (spoolBytes < 0 || declared == 0) {
            return spoolFull(declared);
        }
        synchronized (reserved) {
            String error = spoolFull(declared);
            if (error == null) {
                reserved.addAndGet(declared);
                context.addEndHandler(ignored -> reserved.addAndGet(-declared));
            }
            return error;
        }
    }

    /**
     * Why {@code bytes} more in the spool folder would leave its disk too full
     * ({@code imgboard.upload.min-free-space}) or take the folder past its size
     * ({@code imgboard.upload.spool-size}), or null when they fit or the system cannot say.
     */
    String spoolFull(long bytes) {
        long free = usableSpace();
        if (free >= 0 && free - bytes < minFreeBytes) {
            return "the upload spool disk is full (" + mebibytes(free) + " MiB free, "
                    + mebibytes(minFreeBytes) + " MiB must stay free): nothing was stored, try again later";
        }
        if (spoolBytes >= 0) {
            // what is on disk, and what admitted requests declared (counted twice while they are written: on the safe side)
            long used = spooledBytes() + reserved.get();
            if (used + bytes > spoolBytes) {
                return "the upload spool is full (" + mebibytes(used) + " MiB of its " + mebibytes(spoolBytes)
                        + " MiB in use, " + mebibytes(bytes) + " MiB more asked): nothing was stored, try again later";
            }
        }
        return null;
    }

    private static long mebibytes(long bytes) {
        return bytes / (1024 * 1024);
    }

    /** What the spool folder holds now; files that go while it is read are not counted. */
    private long spooledBytes() {
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        long[] total = {0};
        try {
            Files.walkFileTree(spool, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file,
                                                               BasicFileAttributes attributes) {
                    total[0] += attributes.isRegularFile() ? attributes.size() : 0;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            Log.warnf("could not measure the upload spool folder %s: %s", spool, e.toString());
        }
        return total[0];
    }

    private static boolean hasBody(HttpServerRequest request, long declared) {
        return declared > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /** Free bytes on the spool folder's disk (its nearest existing parent), -1 when the system cannot say. */
    private long usableSpace() {
        Path p = spool;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            return p == null ? -1 : Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Milliseconds since the request's head passed the gate, for the upload's timeline log line. */
    static long millisSinceAdmitted(RoutingContext context) {
        Long admitted = context.get(ADMITTED);
        return admitted == null ? -1 : (System.nanoTime() - admitted) / 1_000_000;
    }

    /** Who the request was admitted as; never null behind this gate. */
    static Principal principal(RoutingContext context) {
        Principal principal = context.get(PRINCIPAL);
        if (principal == null) {
            throw new IllegalStateException("request did not pass RequestGate");
        }
        return principal;
    }

    /** {@code path} as {@link RequestPath#canonical} makes it: {@code /api/v1/devices;x} is {@code /api/v1/devices}. */
    private static boolean isAdminPath(String path) {
        return ADMIN_PATHS.stream().anyMatch(a -> RequestPath.isAtOrUnder(path, a));
    }

    /** The refusal of an upload or device token on an operator API ({@link AdminOnly}). */
    static String adminRequired(boolean adminConfigured) {
        return adminConfigured
                ? "this operator API needs the admin token: send Authorization: Bearer <IMGBOARD_ADMIN_TOKEN>"
                : "this operator API is off: no admin token is configured on ingest (set IMGBOARD_ADMIN_TOKEN)";
    }

    /** The request's declared body length, -1 when it declares none (chunked) or an unreadable one. */
    static long declaredLength(HttpServerRequest request) {
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
    private void refuse(RoutingContext context, int status, String error, boolean basic) {
        HttpServerRequest request = context.request();
        var response = context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (status == 401) {
            response.putHeader("WWW-Authenticate", basic ? "Basic realm=\"img-board\", charset=\"UTF-8\"" : "Bearer");
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
