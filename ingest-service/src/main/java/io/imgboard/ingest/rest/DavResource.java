package io.imgboard.ingest.rest;

import io.imgboard.support.HttpDate;
import io.imgboard.support.ErrorBody;
import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileMoved;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.FileSkipped;
import io.imgboard.ingest.config.DavConfig;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.messaging.OutboxRelay;
import io.imgboard.ingest.persistence.DavEntry;
import io.imgboard.ingest.persistence.DavIndex;
import io.imgboard.ingest.persistence.DavIndex.Relocated;
import io.imgboard.ingest.persistence.DavProperty;
import io.imgboard.ingest.persistence.FileEventOutbox;
import io.imgboard.ingest.rest.DavMethods.COPY;
import io.imgboard.ingest.rest.DavMethods.LOCK;
import io.imgboard.ingest.rest.DavMethods.MKCOL;
import io.imgboard.ingest.rest.DavMethods.MOVE;
import io.imgboard.ingest.rest.DavMethods.PROPFIND;
import io.imgboard.ingest.rest.DavMethods.PROPPATCH;
import io.imgboard.ingest.rest.DavMethods.UNLOCK;
import io.imgboard.ingest.service.DeviceTokens;
import io.imgboard.ingest.service.FileKinds;
import io.imgboard.ingest.service.OriginalReleases;
import io.imgboard.ingest.service.Principal;
import io.imgboard.ingest.service.UploadService;
import io.imgboard.ingest.service.UploadService.Outcome;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.storage.StorageException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import javax.xml.namespace.QName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The WebDAV target (RFC 4918, class 1 and 2) at {@code /dav/} and, for Nextcloud-style clients,
 * {@code /remote.php/dav/files/<user>/}. Hand-written on Quarkus REST because no WebDAV library fits
 * (FIELD-NOTES: Milton CE has no locks and needs a servlet container, Jackrabbit is javax-only).
 *
 * <p>Each principal (device, or the shared upload token) has its own virtual tree in ingest's
 * database ({@link DavIndex}); the bytes are stored by content in the originals bucket. A PUT is
 * streamed to a spool file and, once complete, goes through the one intake path every door uses:
 * images become photos ({@code FileArrived}), anything else is kept and recorded as skipped with its
 * reason. DELETE and MOVE of a photo become {@code FileRemoved} and {@code FileMoved}, of a skipped file
 * {@code FileRemoved} (and, moved or copied, {@code FileSkipped} at its new path), for the source
 * {@code dav:<device or "upload">}; they are written to {@link FileEventOutbox} in the transaction
 * that changes the namespace and relayed until Kafka takes them ({@link OutboxRelay}). {@link RequestGate} has checked the credential and the path's
 * confinement before the body is read.
 */
@Path("/")
@Blocking
@Tag(name = "webdav")
public class DavResource {
    /** The outcome of a file held under a temporary or hidden name or folder: kept, not announced ({@link FileKinds#heldReason}). */
    private static final String HELD = "held";
    /** Both mounts; the path itself is read raw from the request and confined by {@link DavPath}. */
    static final String ROUTE = "{dav: (dav|remote\\.php/dav/files/[^/]+|remote\\.php/webdav)(/.*)?}";
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String XML = "application/xml; charset=utf-8";

    private final DavIndex index;
    private final DavLocks locks;
    private final UploadService uploads;
    private final OriginalStore store;
    private final FileEventOutbox outbox;
    private final OriginalReleases releases;
    private final OutboxRelay relay;
    private final DeviceTokens devices;
    private final FileEventPublisher publisher;
    private final java.nio.file.Path spoolDir;
    private final int maxDeadProperties;
    private final long maxDeadPropertyBytes;

    DavResource(DavIndex index, DavLocks locks, UploadService uploads, OriginalStore store, FileEventOutbox outbox,
                OutboxRelay relay, DeviceTokens devices, FileEventPublisher publisher, DavConfig config,
                OriginalReleases releases, @ConfigProperty(name = "quarkus.http.body.uploads-directory") String spoolDir) {
        this.releases = releases;
        this.maxDeadProperties = config.maxDeadProperties();
        this.maxDeadPropertyBytes = config.maxDeadPropertiesSize().asLongValue();
        this.index = index;
        this.locks = locks;
        this.uploads = uploads;
        this.store = store;
        this.outbox = outbox;
        this.relay = relay;
        this.devices = devices;
        this.publisher = publisher;
        this.spoolDir = java.nio.file.Path.of(spoolDir);
    }

    /** One request: who, which tree, which path, and the conditions it came with. */
    private record Req(Principal principal, DavPath target, DavIf conditions, HttpHeaders headers) {
        String tree() {
            return principal.tree();
        }

        String path() {
            return target.path();
        }
    }

    /** An answer decided early (a refusal) travels as this exception. */
    private static final class Refusal extends RuntimeException {
        final transient Response response;

        Refusal(Response response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    /** The Destination of a COPY or MOVE, which must name this server (else {@link DavPath.OtherServer}). */
    static DavPath destination(RoutingContext rc, HttpHeaders headers) throws DavPath.BadPath, DavPath.OtherServer {
        io.vertx.core.net.HostAndPort authority = rc.request().authority();
        String host = authority == null ? null
                : authority.host().indexOf(':') >= 0 && !authority.host().startsWith("[") ? "[" + authority.host() + "]"
                : authority.host();
        return DavPath.destination(headers.getHeaderString("Destination"), rc.request().scheme(),
                host == null ? null : authority.port() >= 0 ? host + ":" + authority.port() : host);
    }

    private Req request(RoutingContext rc, HttpHeaders headers) {
        Principal principal = RequestGate.principal(rc);
        DavPath target;
        try {
            target = DavPath.parse(rc.request().path());
        } catch (DavPath.BadPath e) {
            throw new Refusal(error(400, e.getMessage()));
        }
        if (target.isUploadArea()) {
            throw new Refusal(error(405, "this is the chunked-upload area: MKCOL an upload, PUT its chunks, MOVE its .file"));
        }
        DavIf conditions;
        try {
            conditions = DavIf.parse(headers.getHeaderString("If"));
        } catch (DavIf.Malformed e) {
            throw new Refusal(error(400, e.getMessage()));
        }
        return new Req(principal, target, conditions, headers);
    }

    // --- class 1 -------------------------------------------------------------------------------

    @OPTIONS
    @Path(ROUTE)
    @Operation(summary = "WebDAV: the verbs and DAV classes this target supports")
    public Response options() {
        return Response.ok()
                .header("DAV", "1, 2")
                .header("MS-Author-Via", "DAV")
                .header("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK")
                .build();
    }

    @GET
    @Path(ROUTE)
    @Operation(summary = "WebDAV: a file's bytes, or a plain listing of a collection")
    public Response get(@Context RoutingContext rc, @Context HttpHeaders headers) {
        return handle(() -> read(request(rc, headers), true));
    }

    @HEAD
    @Path(ROUTE)
    public Response head(@Context RoutingContext rc, @Context HttpHeaders headers) {
        return handle(() -> read(request(rc, headers), false));
    }

    private Response read(Req req, boolean withBody) {
        DavEntry entry = existing(req, req.path());
        if (entry.collection()) {
            StringBuilder listing = new StringBuilder();
            for (DavEntry child : index.children(req.tree(), req.path())) {
                listing.append(child.name()).append(child.collection() ? "/" : "").append('\n');
            }
            return Response.ok(withBody ? listing.toString() : null, "text/plain; charset=utf-8")
                    .header("X-Content-Type-Options", "nosniff").build();
        }
        // A file read back is the client's own bytes, never a page of ingest's origin: an HTML or SVG file
        // PUT here must not run script with the credentials a browser keeps for the origin.
        String lastModified = HttpDate.format(entry.modifiedAt());
        Response.ResponseBuilder ok = Response.ok()
                .type(entry.contentType() == null ? "application/octet-stream" : entry.contentType())
                .header("Content-Disposition", "attachment")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header("Accept-Ranges", "bytes")
                .header("ETag", etag(entry))
                .header("Last-Modified", lastModified);
        HttpPreconditions.Failed failed = HttpPreconditions.evaluate(HttpPreconditions.Conditions.of(req.headers()),
                state(Optional.of(entry)), true);
        if (failed != null && failed.status() == 304) {
            return Response.notModified().header("ETag", etag(entry)).header("Last-Modified", lastModified).build();
        }
        if (failed != null) {
            return error(failed.status(), failed.reason());
        }
        // A range of a GET (a resumed download, rclone mount, a player seeking), unless If-Range names
        // another version than this one: then the whole file, as it is now.
        String ifRange = req.headers().getHeaderString("If-Range");
        boolean sameVersion = ifRange == null || ifRange.strip().equals(etag(entry)) || ifRange.strip().equals(lastModified);
        ByteRange.Asked asked = withBody && sameVersion ? ByteRange.asked(req.headers().getHeaderString("Range"), entry.size())
                : new ByteRange.All();
        if (asked instanceof ByteRange.Unsatisfiable) {
            return Response.fromResponse(error(416, "the range asked for is past the end of the file (" + entry.size()
                    + " bytes)")).header("Content-Range", "bytes */" + entry.size()).build();
        }
        ByteRange range = asked instanceof ByteRange.Part part ? part.range() : null;
        if (range != null) {
            ok.status(206).header("Content-Range", range.contentRange(entry.size())).header("Content-Length", range.length());
        } else {
            ok.header("Content-Length", entry.size());
        }
        if (!withBody || entry.size() == 0) {
            return ok.build();
        }
        String sha = entry.sha256();
        Long offset = range == null ? null : range.first();
        Long length = range == null ? null : range.length();
        StreamingOutput body = out -> {
            try (InputStream in = store.open(sha, offset, length)) {
                in.transferTo(out);
            }
        };
        return ok.entity(body).build();
    }

    @PUT
    @Path(ROUTE)
    @Operation(summary = "WebDAV: store a file (streamed; chunked transfer and Expect: 100-continue accepted)")
    public Response put(@Context RoutingContext rc, @Context HttpHeaders headers, InputStream body) {
        return handle(() -> {
            Req req = request(rc, headers);
            if (req.path().isEmpty()) {
                return error(405, "the root is a collection: PUT a file into it");
            }
            Optional<DavEntry> before = index.lookup(req.tree(), req.path());
            if (before.isPresent() && before.get().collection()) {
                return error(405, "a collection exists at this path: PUT a file, not over a collection");
            }
            requireParent(req, req.path());
            requireConditions(req, req.path(), before);
            requireUnlocked(req, req.path(), before.isEmpty());
            Instant mtime = mtime(req);
            java.nio.file.Path spool = spool(body);
            try {
                return store(req, spool, mtime, before, true);
            } finally {
                deleteQuietly(spool);
            }
        });
    }

    /**
     * The end of a Nextcloud chunked upload: the assembled file becomes the file at {@code destination}
     * exactly as a PUT would make it (same preconditions, locks and intake).
     */
    Response assembled(RoutingContext rc, HttpHeaders headers, DavPath destination, java.nio.file.Path assembled) {
        return handle(() -> {
            Req req = new Req(RequestGate.principal(rc), destination, parseIf(headers), headers);
            if (req.path().isEmpty()) {
                return error(405, "the root is a collection: the destination must be a file");
            }
            Optional<DavEntry> before = index.lookup(req.tree(), req.path());
            if (before.isPresent() && before.get().collection()) {
                return error(405, "a collection exists at the destination");
            }
            requireParent(req, req.path());
            requireConditions(req, req.path(), before);
            requireUnlocked(req, req.path(), before.isEmpty());
            return store(req, assembled, mtime(req), before, true);
        });
    }

    /**
     * A file's arrival is announced at once, a delete's or move's through the outbox: a PUT to a path whose
     * earlier delete or move has not reached Kafka would be announced ahead of it, and the ledger, taking
     * them in that order, would retire the new file. Such a PUT waits for a relay pass of its own (after the
     * one under way, if any), and is told to come back when the events are still waiting (Kafka away); the
     * folder sources hold their scans so.
     */
    private Response heldBehindOutbox(Req req) {
        String sourceId = req.principal().davSourceId();
        String path = eventPath(req.path());
        if (outbox.waitingForPath(sourceId, path) == 0) {
            return null;
        }
        relay.relayAfterRunning(java.time.Duration.ofSeconds(5)); // a pass may be under way, having read its rows before these
        long waiting = outbox.waitingForPath(sourceId, path);
        if (waiting == 0) {
            return null;
        }
        Log.infof("WebDAV PUT %s%s held: %d earlier changes of the path wait in the outbox for Kafka", req.target().mount(),
                req.path(), waiting);
        return Response.fromResponse(error(503, "an earlier delete or move of this path has not been announced yet "
                + "(Kafka is not reachable): nothing was stored; send the file again shortly")).header("Retry-After", "5").build();
    }

    /** Whether two looks at a path saw the same file (or both nothing: a collection or no entry). */
    private static boolean sameFile(Optional<DavEntry> one, Optional<DavEntry> other) {
        return one.filter(e -> !e.collection()).map(DavEntry::sha256)
                .equals(other.filter(e -> !e.collection()).map(DavEntry::sha256));
    }

    private static DavIf parseIf(HttpHeaders headers) {
        try {
            return DavIf.parse(headers.getHeaderString("If"));
        } catch (DavIf.Malformed e) {
            throw new Refusal(error(400, e.getMessage()));
        }
    }

    /**
     * @param before      what was at the path when the request began, before its body was read and announced
     * @param conditional whether the request's conditions are about this path (a PUT, an assembled upload), so
     *                    that they are asked again of what is there now: the path may have changed while the body
     *                    came in
     */
    private Response store(Req req, java.nio.file.Path spool, Instant mtime, Optional<DavEntry> before,
                           boolean conditional) throws IOException {
        if (conditional) {
            // Asked again before the file is announced, so that a 412 for a path changed meanwhile announces nothing.
            requireConditions(req, req.path(), index.lookup(req.tree(), req.path()));
        }
        Response held = heldBehindOutbox(req);
        if (held != null) {
            return held;
        }
        long size = Files.size(spool);
        String name = DavPath.segments(req.path()).get(DavPath.segments(req.path()).size() - 1);
        String parent = DavIndex.parentOf(req.path());
        // A temporary or hidden name (x.jpg.part, rsync's .x.jpg.Ab12Cd) is kept, and taken when it is renamed; a
        // file in a hidden or NAS system folder (@eaDir, .thumbnails, #recycle) is kept, as folder sources leave it.
        Optional<String> heldReason = FileKinds.heldReason(req.path());
        boolean temporary = heldReason.isPresent();
        Outcome outcome = temporary ? uploads.hold(name, spool, heldReason.get(), req.principal().deviceId()) : uploads.intake(new UploadService.Intake(
                req.principal().davSourceId(), eventPath(req.path()), name, spool, req.principal().deviceId(), null, mtime,
                sibling -> index.lookup(req.tree(), parent + "/" + sibling).isPresent(), UploadService.NonImages.KEEP, null));
        String kept;
        switch (outcome.status()) {
            case CREATED, DUPLICATE -> kept = "photo";
            case SKIPPED -> kept = temporary ? HELD : "skipped";
            case FAILED -> {
                return error(503, outcome.error());
            }
            default -> kept = "skipped"; // refused by the upload rules: still kept, so the client does not retry forever
        }
        String sha = outcome.sha256();
        String type = UploadService.keptType(outcome.contentType());
        // A skipped file's bytes were stored by the intake before it was announced; a refused one's are stored here.
        if (size > 0 && outcome.status() != UploadService.Status.SKIPPED && !kept.equals("photo")) {
            try {
                store.storeIfAbsent(sha, spool, size, type);
            } catch (StorageException e) {
                Log.errorf(e, "WebDAV PUT %s: storing a skipped file failed", req.path());
                return error(503, UploadService.STORAGE_UNAVAILABLE);
            }
        }
        String keptAs = kept;
        // What was there is what putFile replaced under its lock, not what the request saw before its
        // body came in (another device may have put a file there meanwhile).
        java.util.concurrent.atomic.AtomicBoolean paired = new java.util.concurrent.atomic.AtomicBoolean();
        Optional<DavEntry> replaced;
        try {
            replaced = QuarkusTransaction.requiringNew().call(() -> {
                Optional<DavEntry> was = index.putFile(req.tree(), req.path(), size, sha, type, mtime == null ? Instant.now() : mtime, keptAs,
                        keptAs.equals("photo") ? null : outcome.error());
                if (conditional) {
                    // And once more of what putFile replaced under the path's lock, the last word: a request that
                    // changed the path since the check above makes this a 412, which rolls the write back and has
                    // the arrival withdrawn below.
                    requireConditions(req, req.path(), was);
                }
                was.filter(w -> !"photo".equals(w.outcome()) && !java.util.Objects.equals(w.sha256(), sha))
                        .ifPresent(w -> releases.release(w.sha256()));
                if (was.isPresent() && "photo".equals(was.get().outcome()) && !keptAs.equals("photo")) {
                    outbox.add(new FileRemoved(UUID.randomUUID(), Instant.now(), req.principal().davSourceId(),
                            eventPath(req.path())));
                }
                if (keptAs.equals("photo") && !sameFile(before, was)) {
                    // Another request changed the path after this one's arrival was announced (a DELETE or MOVE, whose
                    // event goes through the outbox, or another PUT): announced again behind theirs, the ledger ends
                    // with the file the tree has.
                    outbox.add(new FileArrived(UUID.randomUUID(), Instant.now(), req.principal().davSourceId(), eventPath(req.path()),
                            name, size, sha, outcome.contentType(), OriginalStore.keyFor(sha), mtime, req.principal().deviceId(), null));
                }
                if (keptAs.equals("photo") && pairLivePhotoVideos(req, parent, name)) {
                    paired.set(true);
                }
                return was;
            });
        } catch (RuntimeException e) {
            if (keptAs.equals("photo")) {
                withdrawArrival(req, before);
            }
            throw e;
        }
        if (paired.get() || outbox.waitingForPath(req.principal().davSourceId(), eventPath(req.path())) > 0) {
            relay.relay();
        }
        if (req.principal().deviceId() != null) {
            devices.uploaded(req.principal().deviceId());
        }
        Log.infof("WebDAV PUT %s%s by %s: %d bytes, %s%s", req.target().mount(), req.path(), req.principal().name(), size,
                kept, kept.equals("photo") ? "" : " (" + outcome.error() + ")");
        return Response.status(replaced.isPresent() ? 204 : 201)
                .header("ETag", "\"" + sha + "\"")
                .header("OC-ETag", "\"" + sha + "\"")
                .header("X-OC-Mtime", req.headers().getHeaderString("X-OC-Mtime") != null ? "accepted" : null)
                .build();
    }

    /**
     * The tree could not take a photo whose arrival the intake had announced already (it is announced before
     * the tree's row is written): the client is answered an error, so the ledger is told again what the path
     * holds, the photo that was there or nothing. Sent straight to the broker, as the arrival was, and not
     * through the outbox: the database may be what failed.
     */
    private void withdrawArrival(Req req, Optional<DavEntry> before) {
        String sourceId = req.principal().davSourceId();
        String path = eventPath(req.path());
        Optional<DavEntry> there;
        try {
            there = index.lookup(req.tree(), req.path());
        } catch (RuntimeException e) {
            there = before;
        }
        FileEvent undo = there.filter(entry -> "photo".equals(entry.outcome()))
                .<FileEvent>map(entry -> new FileArrived(UUID.randomUUID(), Instant.now(), sourceId, path, entry.name(),
                        entry.size(), entry.sha256(), entry.contentType(), OriginalStore.keyFor(entry.sha256()),
                        entry.modifiedAt(), req.principal().deviceId(), null))
                .orElseGet(() -> new FileRemoved(UUID.randomUUID(), Instant.now(), sourceId, path));
        try {
            publisher.publish(undo);
            Log.warnf("WebDAV PUT %s failed after its arrival was announced: the ledger was told again what the path holds: %s",
                    req.path(), undo instanceof FileArrived ? "the photo it had" : "nothing");
        } catch (RuntimeException e) {
            Log.errorf(e, "WebDAV PUT %s failed after its arrival was announced, and telling the ledger again failed too: "
                    + "it may list a photo the client was told failed until the file is put again or deleted", req.path());
        }
    }

    @MKCOL
    @Path(ROUTE)
    @Operation(summary = "WebDAV: make a collection (405 if it exists, 409 without its parent)")
    public Response mkcol(@Context RoutingContext rc, @Context HttpHeaders headers, InputStream body) {
        return handle(() -> {
            Req req = request(rc, headers);
            if (body != null && body.read() >= 0) {
                return error(415, "MKCOL with a body is not supported");
            }
            if (index.lookup(req.tree(), req.path()).isPresent()) {
                return error(405, "something exists at this path already");
            }
            requireParent(req, req.path());
            requireConditions(req, req.path(), Optional.empty());
            requireUnlocked(req, req.path(), true);
            if (index.mkcol(req.tree(), req.path(), Instant.now()).isEmpty()) {
                return error(405, "something exists at this path already");
            }
            return Response.status(201).build();
        });
    }

    @DELETE
    @Path(ROUTE)
    @Operation(summary = "WebDAV: delete a file or collection; a photo's origin is removed (FileRemoved)")
    public Response delete(@Context RoutingContext rc, @Context HttpHeaders headers) {
        return handle(() -> {
            Req req = request(rc, headers);
            if (req.path().isEmpty()) {
                return error(403, "the root cannot be deleted");
            }
            DavEntry entry = existing(req, req.path());
            requireConditions(req, req.path(), Optional.of(entry));
            requireUnlockedTree(req, req.path());
            // The namespace change and its FileRemoved events commit together; the relay sends them
            // until Kafka takes them, so a broker outage now cannot leave the photo on the frames.
            QuarkusTransaction.requiringNew().run(() -> {
                for (DavEntry file : index.deleteTree(req.tree(), req.path())) {
                    if (!"photo".equals(file.outcome())) {
                        releases.release(file.sha256()); // a photo's bytes are the ledger's to delete
                    }
                    if (announced(file)) {
                        outbox.add(new FileRemoved(UUID.randomUUID(), Instant.now(), req.principal().davSourceId(),
                                eventPath(file.path())));
                    }
                }
            });
            locks.release(req.tree(), req.path());
            relay.relay();
            return Response.noContent().build();
        });
    }

    @COPY
    @Path(ROUTE)
    @Operation(summary = "WebDAV: copy; a copied photo is a new origin (FileArrived)")
    public Response copy(@Context RoutingContext rc, @Context HttpHeaders headers) {
        return handle(() -> transfer(rc, request(rc, headers), false));
    }

    @MOVE
    @Path(ROUTE)
    @Operation(summary = "WebDAV: move or rename; a moved photo's origin moves (FileMoved)")
    public Response move(@Context RoutingContext rc, @Context HttpHeaders headers) {
        return handle(() -> transfer(rc, request(rc, headers), true));
    }

    private Response transfer(RoutingContext rc, Req req, boolean move) throws IOException {
        DavPath destination;
        try {
            destination = destination(rc, req.headers());
        } catch (DavPath.BadPath e) {
            return error(400, e.getMessage());
        } catch (DavPath.OtherServer e) {
            return error(502, e.getMessage());
        }
        if (destination.isUploadArea()) {
            return error(400, "the Destination must be in the files tree, not a chunked upload's staging area");
        }
        String from = req.path();
        String to = destination.path();
        if (from.isEmpty()) {
            return error(403, "the root cannot be " + (move ? "moved" : "copied"));
        }
        DavEntry source = existing(req, from);
        if (to.isEmpty() || to.equals(from) || to.startsWith(from + "/")) {
            return error(403, "the destination is the source or lies inside it");
        }
        String depth = req.headers().getHeaderString("Depth");
        boolean deep = depth == null || depth.equalsIgnoreCase("infinity");
        if (move && source.collection() && !deep) {
            return error(400, "a collection is moved with Depth: infinity");
        }
        Optional<DavEntry> existingDestination = index.lookup(req.tree(), to);
        String overwrite = req.headers().getHeaderString("Overwrite");
        if (existingDestination.isPresent() && overwrite != null && overwrite.strip().equalsIgnoreCase("F")) {
            return error(412, "the destination exists and Overwrite is F");
        }
        requireParent(req, to);
        requireConditions(req, from, Optional.of(source));
        if (move) {
            requireUnlockedTree(req, from);
        }
        requireUnlockedTree(req, to);
        if (!source.collection() && HELD.equals(source.outcome()) && FileKinds.heldReason(to).isEmpty()
                && existingDestination.filter(DavEntry::collection).isEmpty()) { // over a collection: moved as any file
            return renamedIntoPlace(req, source, destination, move);
        }
        String sourceId = req.principal().davSourceId();
        // As for DELETE: the namespace change and the events it causes commit together (outbox).
        try {
            relocate(req, from, to, move, deep, sourceId);
        } catch (DavIndex.SourceGone e) {
            return error(404, e.getMessage());
        }
        if (move) {
            locks.release(req.tree(), from);
        }
        locks.release(req.tree(), to);
        relay.relay();
        return Response.status(existingDestination.isPresent() ? 204 : 201).build();
    }

    /** The namespace change of a MOVE or COPY and the events it causes, in one transaction. */
    private void relocate(Req req, String from, String to, boolean move, boolean deep, String sourceId) {
        QuarkusTransaction.requiringNew().run(() -> {
            List<Relocated> changes = move ? index.move(req.tree(), from, to) : index.copy(req.tree(), from, to, deep);
            // A photo moved or copied onto a path that held one replaces it there: the ledger retires the
            // old one on the FileMoved or FileArrived itself, so that path gets no FileRemoved.
            Set<String> landed = new HashSet<>();
            for (Relocated change : changes) {
                if (change.toPath() != null && "photo".equals(change.from().outcome())) {
                    landed.add(change.toPath());
                }
            }
            // What was at the destination goes first: a file that lands on its path is announced after its removal.
            for (Relocated change : changes) {
                DavEntry file = change.from();
                if (change.toPath() == null && !file.collection() && !"photo".equals(file.outcome())) {
                    releases.release(file.sha256());
                }
                if (change.toPath() == null && announced(file) && !("photo".equals(file.outcome()) && landed.contains(file.path()))) {
                    outbox.add(new FileRemoved(UUID.randomUUID(), Instant.now(), sourceId, eventPath(file.path())));
                }
            }
            for (Relocated change : changes) {
                DavEntry file = change.from();
                if (change.toPath() == null || !announced(file)) {
                    continue;
                }
                if (!"photo".equals(file.outcome())) {
                    // The ledger lists a skipped file by its path: it leaves the old one (as a folder source's
                    // does when its file goes) and is listed at the new one.
                    if (move) {
                        outbox.add(new FileRemoved(UUID.randomUUID(), Instant.now(), sourceId, eventPath(file.path())));
                    }
                    outbox.add(new FileSkipped(UUID.randomUUID(), Instant.now(), sourceId, eventPath(change.toPath()),
                            change.toPath().substring(change.toPath().lastIndexOf('/') + 1), file.size(),
                            skipReason(file)));
                } else if (move) {
                    outbox.add(new FileMoved(UUID.randomUUID(), Instant.now(), sourceId, eventPath(file.path()),
                            eventPath(change.toPath())));
                } else {
                    outbox.add(new FileArrived(UUID.randomUUID(), Instant.now(), sourceId, eventPath(file.path()),
                            file.name(), file.size(), file.sha256(), file.contentType(), OriginalStore.keyFor(file.sha256()),
                            file.modifiedAt(), req.principal().deviceId(), null));
                }
            }
        });
    }

    /**
     * A live photo's video put before its photo ({@code IMG_7.MOV}, then {@code IMG_7.HEIC}) was skipped as a
     * video: with the photo beside it now, it is a live-photo video, as it is when it comes second (and as a
     * folder source finds the pair). Its new reason goes out through the outbox with the photo's change.
     */
    private boolean pairLivePhotoVideos(Req req, String parent, String photoName) {
        boolean paired = false;
        for (DavEntry sibling : index.skippedIn(req.tree(), parent, FileKinds.VIDEO_REASON)) {
            String siblingName = sibling.path().substring(sibling.path().lastIndexOf('/') + 1);
            if (FileKinds.livePhotoPartner(siblingName, photoName::equals)) {
                index.setReason(req.tree(), sibling.path(), FileKinds.LIVE_PHOTO_VIDEO_REASON);
                outbox.add(new FileSkipped(UUID.randomUUID(), Instant.now(), req.principal().davSourceId(),
                        eventPath(sibling.path()), siblingName, sibling.size(), FileKinds.LIVE_PHOTO_VIDEO_REASON));
                paired = true;
            }
        }
        return paired;
    }

    /**
     * A file held under a temporary name, renamed (or copied) to a name that is not: the client uploaded to
     * {@code x.jpg.part} and renames it when complete. It becomes what a PUT of the new name makes it: its
     * bytes, read back from S3, go through the intake under that name, so the photo is named after it and
     * never after the temporary one. The held entry goes once that is done; a failure leaves both paths as
     * they were, so the client can MOVE again.
     */
    private Response renamedIntoPlace(Req req, DavEntry held, DavPath destination, boolean move) throws IOException {
        return PathTurns.inTurn("dav " + req.tree() + " " + req.path(), () -> {
            // Another MOVE of it (a client retrying a slow one) may have taken it while this one waited.
            Optional<DavEntry> still = index.lookup(req.tree(), req.path());
            if (still.isEmpty() || !HELD.equals(still.get().outcome()) || !java.util.Objects.equals(still.get().sha256(), held.sha256())) {
                return error(404, req.path() + " is gone: another request moved or deleted it meanwhile");
            }
            return renamedIntoPlaceInTurn(req, held, destination, move);
        });
    }

    private Response renamedIntoPlaceInTurn(Req req, DavEntry held, DavPath destination, boolean move) throws IOException {
        java.nio.file.Path spool;
        if (held.size() == 0) {
            spool = spool(null);
        } else {
            try (InputStream in = store.open(held.sha256())) {
                spool = spool(in);
            } catch (StorageException e) {
                Log.warnf("WebDAV %s %s: %s", move ? "MOVE" : "COPY", req.path(), e.getMessage());
                return error(503, UploadService.STORAGE_UNAVAILABLE);
            }
        }
        try {
            Req target = new Req(req.principal(), destination, req.conditions(), req.headers());
            // The MOVE's conditions were about its source, asked in transfer; the destination is not theirs.
            Response answer = store(target, spool, mtime(req), index.lookup(req.tree(), destination.path()), false);
            if (answer.getStatus() < 300 && move) {
                QuarkusTransaction.requiringNew().run(() -> index.deleteTree(req.tree(), req.path()));
                locks.release(req.tree(), req.path());
            }
            if (answer.getStatus() < 300) {
                locks.release(req.tree(), destination.path());
            }
            return answer;
        } finally {
            deleteQuietly(spool);
        }
    }

    @PROPFIND
    @Path(ROUTE)
    @Operation(summary = "WebDAV: properties of a resource (Depth 0) and its members (Depth 1), 207")
    public Response propfind(@Context RoutingContext rc, @Context HttpHeaders headers, InputStream body) {
        return handle(() -> {
            Req req = request(rc, headers);
            DavXml.PropFind query;
            try {
                query = DavXml.propFind(DavXml.read(body));
            } catch (DavXml.BadXml e) {
                return error(400, e.getMessage());
            }
            DavEntry entry = existing(req, req.path());
            String depth = req.headers().getHeaderString("Depth");
            if (depth == null || depth.equalsIgnoreCase("infinity")) {
                if (entry.collection()) {
                    return Response.status(403).type(XML).entity(DavMultistatus.HEAD
                            + "<D:error xmlns:D=\"DAV:\"><D:propfind-finite-depth/></D:error>").build();
                }
            }
            DavMultistatus out = new DavMultistatus();
            describe(out, req, entry, query);
            if (entry.collection() && !"0".equals(depth == null ? null : depth.strip())) {
                for (DavEntry child : index.children(req.tree(), req.path())) {
                    describe(out, req, child, query);
                }
            }
            return Response.status(207).type(XML).entity(out.finish()).build();
        });
    }

    private void describe(DavMultistatus out, Req req, DavEntry entry, DavXml.PropFind query) {
        Map<QName, String> live = liveProperties(req, entry);
        List<DavProperty> dead = index.properties(entry.id());
        out.openResponse(req.target().href(entry.path(), entry.collection()));
        if (query.propName()) {
            List<String> names = new ArrayList<>();
            live.keySet().forEach(n -> names.add(DavMultistatus.empty(n)));
            dead.forEach(p -> names.add(DavMultistatus.empty(new QName(p.namespace(), p.name()))));
            out.propstat(names, 200);
        } else if (query.allProp()) {
            List<String> all = new ArrayList<>(live.values());
            dead.forEach(p -> all.add(DavMultistatus.dead(p)));
            out.propstat(all, 200);
        } else {
            List<String> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (QName name : query.props()) {
                String value = live.get(name);
                if (value == null) {
                    value = dead.stream().filter(p -> p.namespace().equals(name.getNamespaceURI())
                            && p.name().equals(name.getLocalPart())).findFirst().map(DavMultistatus::dead).orElse(null);
                }
                if (value != null) {
                    found.add(value);
                } else {
                    missing.add(DavMultistatus.empty(name));
                }
            }
            out.propstat(found, 200);
            out.propstat(missing, 404);
        }
        out.closeResponse();
    }

    private Map<QName, String> liveProperties(Req req, DavEntry entry) {
        Map<QName, String> props = new LinkedHashMap<>();
        props.put(dav("resourcetype"), DavMultistatus.dav("resourcetype", entry.collection() ? "<D:collection/>" : null, true));
        props.put(dav("creationdate"), DavMultistatus.dav("creationdate",
                DateTimeFormatter.ISO_INSTANT.format(entry.createdAt()), false));
        props.put(dav("getlastmodified"), DavMultistatus.dav("getlastmodified", HttpDate.format(entry.modifiedAt()), false));
        if (!entry.collection()) {
            props.put(dav("getcontentlength"), DavMultistatus.dav("getcontentlength", Long.toString(entry.size()), false));
            props.put(dav("getcontenttype"), DavMultistatus.dav("getcontenttype", entry.contentType(), false));
            props.put(dav("getetag"), DavMultistatus.dav("getetag", etag(entry), false));
        }
        props.put(dav("supportedlock"), DavMultistatus.supportedLock());
        StringBuilder active = new StringBuilder();
        for (DavLocks.Lock lock : locks.covering(req.tree(), entry.path())) {
            active.append(DavMultistatus.activeLock(lock, req.target().href(lock.path(), true)));
        }
        props.put(dav("lockdiscovery"), DavMultistatus.dav("lockdiscovery", active.toString(), true));
        return props;
    }

    @PROPPATCH
    @Path(ROUTE)
    @Operation(summary = "WebDAV: set and remove dead properties, all or nothing, 207")
    public Response proppatch(@Context RoutingContext rc, @Context HttpHeaders headers, InputStream body) {
        return handle(() -> {
            Req req = request(rc, headers);
            List<Map.Entry<DavProperty, Boolean>> instructions;
            try {
                instructions = DavXml.propertyUpdate(DavXml.read(body));
            } catch (DavXml.BadXml e) {
                return error(400, e.getMessage());
            }
            DavEntry entry = existing(req, req.path());
            requireConditions(req, req.path(), Optional.of(entry));
            requireUnlocked(req, req.path(), false);
            if (entry.id() == null) {
                return error(403, "the root has no properties of its own");
            }
            Set<QName> live = liveProperties(req, entry).keySet();
            boolean protectedLive = instructions.stream().anyMatch(i -> i.getKey().namespace().equals(DavXml.DAV)
                    && live.contains(dav(i.getKey().name())));
            DavMultistatus out = new DavMultistatus();
            out.openResponse(req.target().href(entry.path(), entry.collection()));
            List<String> names = instructions.stream()
                    .map(i -> DavMultistatus.empty(new QName(i.getKey().namespace(), i.getKey().name()))).toList();
            if (protectedLive) {
                List<String> refused = new ArrayList<>();
                List<String> failed = new ArrayList<>();
                for (Map.Entry<DavProperty, Boolean> i : instructions) {
                    String n = DavMultistatus.empty(new QName(i.getKey().namespace(), i.getKey().name()));
                    boolean isLive = i.getKey().namespace().equals(DavXml.DAV) && live.contains(dav(i.getKey().name()));
                    (isLive ? refused : failed).add(n);
                }
                out.propstat(refused, 403);
                out.propstat(failed, 424);
            } else {
                DavIndex.Patch patch = index.patch(entry.id(), instructions);
                if (patch.applied()) {
                    out.propstat(names, 200);
                } else {
                    refuseUnfit(out, names, patch);
                }
            }
            out.closeResponse();
            return Response.status(207).type(XML).entity(out.finish()).build();
        });
    }

    /**
     * A PROPPATCH refused for the resource's limits on dead properties: each property once, 507 (Insufficient
     * Storage) for those that do not fit and 424 (Failed Dependency) for the rest (RFC 4918 §9.2.1), each
     * with the reason in words.
     */
    private void refuseUnfit(DavMultistatus out, List<String> names, DavIndex.Patch patch) {
        Set<Integer> unfitAt = new HashSet<>(patch.unfit());
        Map<String, Boolean> unfit = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            unfit.merge(names.get(i), unfitAt.contains(i), Boolean::logicalOr);
        }
        List<String> full = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        unfit.forEach((name, doesNotFit) -> (doesNotFit ? full : failed).add(name));
        String limits = "a file or folder holds at most " + maxDeadProperties + " dead properties with "
                + maxDeadPropertyBytes + " bytes of values (imgboard.dav.max-dead-properties, imgboard.dav.max-dead-properties-size); "
                + "this one holds " + patch.properties() + " with " + patch.bytes() + " bytes";
        out.propstat(full, 507, "not stored: " + limits + ", and these do not fit. Nothing in this request was changed");
        out.propstat(failed, 424, "not changed: other properties in this request do not fit (" + limits
                + "), and a PROPPATCH is applied whole or not at all");
    }

    // --- class 2 -------------------------------------------------------------------------------

    @LOCK
    @Path(ROUTE)
    @Operation(summary = "WebDAV: lock (exclusive or shared write lock) or refresh a lock")
    public Response lock(@Context RoutingContext rc, @Context HttpHeaders headers, InputStream body) {
        return handle(() -> {
            Req req = request(rc, headers);
            byte[] xml;
            try {
                xml = DavXml.read(body);
            } catch (DavXml.BadXml e) {
                return error(400, e.getMessage());
            }
            long timeout = timeout(req.headers().getHeaderString("Timeout"));
            if (xml == null) {
                return refresh(req, timeout);
            }
            DavXml.LockInfo info;
            try {
                info = DavXml.lockInfo(xml);
            } catch (DavXml.BadXml e) {
                return error(400, e.getMessage());
            }
            String depth = req.headers().getHeaderString("Depth");
            boolean deep = depth == null || depth.strip().equalsIgnoreCase("infinity");
            if (depth != null && !deep && !depth.strip().equals("0")) {
                return error(400, "a lock's Depth is 0 or infinity");
            }
            Optional<DavEntry> entry = index.lookup(req.tree(), req.path());
            if (entry.isEmpty()) {
                requireParent(req, req.path());
            }
            requireConditions(req, req.path(), entry);
            if (entry.isEmpty()) {
                requireUnlocked(req, req.path(), true);
            }
            Optional<DavLocks.Lock> lock = locks.lock(req.tree(), req.path(), deep, info.exclusive(), info.ownerXml(), timeout);
            if (lock.isEmpty()) {
                return error(423, "the resource is locked");
            }
            if (entry.isEmpty()) {
                // RFC 4918 §7.3: locking an unmapped URL makes an empty resource
                index.putFile(req.tree(), req.path(), 0, EMPTY_SHA256, "application/octet-stream", Instant.now(),
                        "skipped", "empty file");
            }
            return lockAnswer(req, lock.get(), entry.isEmpty() ? 201 : 200);
        });
    }

    private Response refresh(Req req, long timeout) {
        requireHttpConditions(req, index.lookup(req.tree(), req.path()));
        Optional<DavLocks.Lock> held = req.conditions().submittedTokens().stream()
                .map(locks::byToken).flatMap(Optional::stream)
                .filter(l -> l.covers(req.tree(), req.path())).findFirst();
        if (held.isEmpty()) {
            return error(412, "no lock of this resource was named in the If header: nothing to refresh");
        }
        return lockAnswer(req, locks.refresh(held.get(), timeout), 200);
    }

    private Response lockAnswer(Req req, DavLocks.Lock lock, int status) {
        String body = DavMultistatus.HEAD + "<D:prop xmlns:D=\"DAV:\"><D:lockdiscovery>"
                + DavMultistatus.activeLock(lock, req.target().href(lock.path(), false)) + "</D:lockdiscovery></D:prop>";
        return Response.status(status).type(XML).header("Lock-Token", "<" + lock.token() + ">").entity(body).build();
    }

    @UNLOCK
    @Path(ROUTE)
    @Operation(summary = "WebDAV: release a lock named by the Lock-Token header")
    public Response unlock(@Context RoutingContext rc, @Context HttpHeaders headers) {
        return handle(() -> {
            Req req = request(rc, headers);
            String header = req.headers().getHeaderString("Lock-Token");
            if (header == null || header.isBlank()) {
                return error(400, "UNLOCK needs a Lock-Token header");
            }
            String token = header.strip().replaceAll("^<|>$", "");
            Optional<DavLocks.Lock> lock = locks.byToken(token).filter(l -> l.covers(req.tree(), req.path()));
            if (lock.isEmpty()) {
                return error(409, "no such lock on this resource");
            }
            locks.unlock(token);
            return Response.noContent().build();
        });
    }

    // --- preconditions -------------------------------------------------------------------------

    private DavEntry existing(Req req, String path) {
        return index.lookup(req.tree(), path).orElseThrow(() -> new Refusal(error(404, "nothing at this path")));
    }

    /** The parent collection must exist: no client gets parents made for it (409 otherwise). */
    private void requireParent(Req req, String path) {
        String parent = DavIndex.parentOf(path);
        Optional<DavEntry> p = index.lookup(req.tree(), parent);
        if (p.isEmpty() || !p.get().collection()) {
            throw new Refusal(error(409, "the parent collection does not exist: make it first (MKCOL)"));
        }
    }

    /**
     * The request's preconditions, evaluated (412 when false): first HTTP's own ({@link HttpPreconditions}),
     * then the If header: for each resource it names, one of its lists must hold; a list holds when each of
     * its conditions does (a lock token that covers the resource, an entity tag that matches it, or their
     * negation). HTTP's are asked of the request's target, for a COPY or MOVE its source (RFC 9110 §13.1).
     */
    private void requireConditions(Req req, String path, Optional<DavEntry> entry) {
        requireHttpConditions(req, entry);
        if (!req.conditions().present()) {
            return;
        }
        Map<String, Boolean> byResource = new LinkedHashMap<>();
        for (DavIf.Tagged list : req.conditions().lists()) {
            String resource = path;
            Optional<DavEntry> target = entry;
            if (list.resource() != null) {
                try {
                    resource = DavPath.destination(list.resource()).path();
                } catch (DavPath.BadPath e) {
                    byResource.putIfAbsent(list.resource(), false);
                    continue;
                }
                target = resource.equals(path) ? entry : index.lookup(req.tree(), resource);
            }
            boolean holds = holds(req, resource, target, list);
            byResource.merge(resource, holds, Boolean::logicalOr);
        }
        if (byResource.containsValue(false)) {
            throw new Refusal(error(412, "the If header's conditions do not hold"));
        }
    }

    /** If-Match, If-Unmodified-Since and If-None-Match, asked of the entry at the request's path (412 when false). */
    private static void requireHttpConditions(Req req, Optional<DavEntry> entry) {
        HttpPreconditions.Failed failed = HttpPreconditions.evaluate(HttpPreconditions.Conditions.of(req.headers()),
                state(entry), false);
        if (failed != null) {
            throw new Refusal(error(failed.status(), failed.reason() + "; nothing was changed"));
        }
    }

    /** An entry as HTTP's conditions see it: a collection exists and has no entity tag (PROPFIND gives it no getetag). */
    private static HttpPreconditions.State state(Optional<DavEntry> entry) {
        return entry.map(e -> new HttpPreconditions.State(true, e.collection() ? null : etag(e), e.modifiedAt()))
                .orElse(HttpPreconditions.State.NOTHING);
    }

    private boolean holds(Req req, String resource, Optional<DavEntry> target, DavIf.Tagged list) {
        for (DavIf.Condition c : list.conditions()) {
            boolean matches;
            if (c.token() != null) {
                matches = locks.byToken(c.token()).filter(l -> l.covers(req.tree(), resource)).isPresent();
            } else {
                String tag = c.etag().startsWith("W/") ? c.etag().substring(2) : c.etag();
                matches = target.filter(t -> !t.collection()).map(t -> etag(t).equals(tag)).orElse(false);
            }
            if (matches == c.not()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A write to {@code path} needs the token of every lock that covers it; creating or removing a
     * member also needs the parent's (any depth). 423 otherwise.
     */
    private void requireUnlocked(Req req, String path, boolean changesParent) {
        List<String> submitted = req.conditions().submittedTokens();
        requireTokens(submitted, locks.covering(req.tree(), path));
        if (changesParent) {
            requireTokens(submitted, locks.on(req.tree(), DavIndex.parentOf(path)));
        }
    }

    /** As {@link #requireUnlocked}, for a resource that goes away with everything below it. */
    private void requireUnlockedTree(Req req, String path) {
        requireUnlocked(req, path, true);
        List<String> submitted = req.conditions().submittedTokens();
        for (DavLocks.Lock lock : locks.within(req.tree(), path)) {
            requireTokens(submitted, List.of(lock));
        }
    }

    private static void requireTokens(List<String> submitted, List<DavLocks.Lock> held) {
        if (!held.isEmpty() && held.stream().noneMatch(l -> submitted.contains(l.token()))) {
            throw new Refusal(error(423, "the resource is locked: send its lock token in the If header"));
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private interface Handler {
        Response run() throws IOException;
    }

    private static Response handle(Handler handler) {
        try {
            return handler.run();
        } catch (Refusal r) {
            return r.response;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private java.nio.file.Path spool(InputStream body) throws IOException {
        Files.createDirectories(spoolDir);
        java.nio.file.Path file = Files.createTempFile(spoolDir, "dav-", ".part");
        try (OutputStream out = Files.newOutputStream(file)) {
            if (body != null) {
                body.transferTo(out);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
        return file;
    }

    private static void deleteQuietly(java.nio.file.Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Log.warnf("could not delete spool file %s: %s", file, e.getMessage());
        }
    }

    /**
     * The file's own modification time as the client sent it ({@code X-OC-Mtime}), or null: the moment of
     * the upload is not the file's time, and the ledger would show it as a photo's capture date.
     */
    private static Instant mtime(Req req) {
        try {
            return fileTime(req.headers().getHeaderString("X-OC-Mtime"));
        } catch (IllegalArgumentException e) {
            throw new Refusal(error(400, e.getMessage()));
        }
    }

    /**
     * An {@code X-OC-Mtime} value as a time, null for none. {@link RequestGate} refuses a request with one
     * that is no time before its body is read, recording why.
     *
     * @throws IllegalArgumentException saying what the value must be
     */
    static Instant fileTime(String header) {
        if (header == null) {
            return null;
        }
        Instant time;
        try {
            // seconds, as Nextcloud takes them; a fraction some clients send is dropped, as Nextcloud drops it
            String value = header.strip();
            java.math.BigDecimal seconds = value.matches("-?[0-9]{1,19}(\\.[0-9]{1,9})?") ? new java.math.BigDecimal(value) : null;
            time = seconds == null ? null : Instant.ofEpochSecond(seconds.setScale(0, java.math.RoundingMode.FLOOR).longValueExact());
        } catch (ArithmeticException | java.time.DateTimeException e) {
            time = null;
        }
        if (time == null || !FileArrived.isFileTime(time)) {
            throw new IllegalArgumentException("X-OC-Mtime must be seconds since 1970, a time in the years 1 to 9999; "
                    + "nothing was stored");
        }
        return time;
    }

    private static long timeout(String header) {
        if (header == null) {
            return DavLocks.DEFAULT_TIMEOUT_SECONDS;
        }
        for (String option : header.split(",")) {
            String o = option.strip();
            if (o.equalsIgnoreCase("Infinite")) {
                return DavLocks.MAX_TIMEOUT_SECONDS;
            }
            if (o.regionMatches(true, 0, "Second-", 0, 7)) {
                try {
                    return Long.parseLong(o.substring(7));
                } catch (NumberFormatException e) {
                    // try the next option
                }
            }
        }
        return DavLocks.DEFAULT_TIMEOUT_SECONDS;
    }

    /**
     * Whether the ledger was told of this file, so its going is announced ({@code FileRemoved}): a photo, and
     * a skipped file, which the ledger lists until it is removed; the rule {@code FolderScanner} applies to a
     * folder source's files.
     */
    private static boolean announced(DavEntry file) {
        return "photo".equals(file.outcome()) || "skipped".equals(file.outcome());
    }

    /** A kept file's reason as a {@code FileSkipped} carries it (the ledger takes up to 200 characters). */
    private static String skipReason(DavEntry file) {
        String reason = file.reason() == null || file.reason().isBlank() ? FileKinds.NOT_AN_IMAGE_REASON : file.reason();
        return reason.length() <= 200 ? reason : reason.substring(0, 200);
    }

    private static String eventPath(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static String etag(DavEntry entry) {
        return "\"" + entry.sha256() + "\"";
    }

    private static QName dav(String local) {
        return new QName(DavXml.DAV, local);
    }

    static Response error(int status, String message) {
        return Response.status(status).type("application/json").entity(new ErrorBody(message, status)).build();
    }
}
