package io.imgboard.ingest.rest;

import io.imgboard.ingest.rest.DavMethods.MKCOL;
import io.imgboard.ingest.rest.DavMethods.MOVE;
import io.imgboard.ingest.rest.DavMethods.PROPFIND;
import io.imgboard.ingest.service.Principal;
import io.imgboard.ingest.service.RejectionReason;
import io.imgboard.ingest.service.Rejections;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Nextcloud chunked upload v2 (and rclone's variant of it) at {@code /remote.php/dav/uploads/<user>/}:
 * {@code MKCOL <id>}, {@code PUT <id>/<chunk>} (any names, assembled in name order, numbers by number, and
 * numbered chunks must leave no hole: {@link #missing}), {@code MOVE
 * <id>/.file} with a {@code Destination} in the files tree, {@code DELETE <id>} to abort. Chunks are
 * staged on local disk per principal, never announced; the photo exists only when the MOVE has
 * assembled the file and put it through the same intake as a PUT. Idle uploads expire after 24 h.
 */
@Path("/remote.php/dav/uploads/{user}")
@Blocking
@Tag(name = "webdav")
public class DavChunkedUploads {
    private static final Duration EXPIRY = Duration.ofHours(24);
    /** Nextcloud's chunking v2 numbers chunks 1 to 10000; a larger number names a byte offset. */
    private static final long MAX_NUMBERED_CHUNK = 10_000;

    private final DavResource files;
    private final RequestGate gate;
    private final Rejections rejections;
    private final java.nio.file.Path root;

    DavChunkedUploads(DavResource files, RequestGate gate, Rejections rejections,
                      @ConfigProperty(name = "quarkus.http.body.uploads-directory") String spoolDir) {
        this.files = files;
        this.gate = gate;
        this.rejections = rejections;
        this.root = java.nio.file.Path.of(spoolDir, "dav-chunked");
    }

    /** The upload's folder: per principal, the id confined to one segment by {@link RequestGate} and checked again here. */
    private java.nio.file.Path folder(RoutingContext rc, String id) {
        Principal principal = RequestGate.principal(rc);
        if (id.isEmpty() || id.equals(".") || id.equals("..") || id.contains("/") || id.contains("\\")) {
            throw new ApiException(400, "invalid upload id");
        }
        return root.resolve(principal.tree()).resolve(id);
    }

    @MKCOL
    @Path("/{id}")
    @Operation(summary = "Chunked upload: start an upload")
    public Response start(@Context RoutingContext rc, @jakarta.ws.rs.PathParam("id") String id) throws IOException {
        java.nio.file.Path folder = folder(rc, id);
        if (Files.isDirectory(folder)) {
            return DavResource.error(405, "this upload exists already");
        }
        Files.createDirectories(folder);
        return Response.status(201).build();
    }

    @PUT
    @Path("/{id}/{chunk}")
    @Operation(summary = "Chunked upload: one chunk (streamed to disk)")
    public Response chunk(@Context RoutingContext rc, @jakarta.ws.rs.PathParam("id") String id,
                          @jakarta.ws.rs.PathParam("chunk") String chunk, InputStream body) throws IOException {
        java.nio.file.Path folder = folder(rc, id);
        if (!Files.isDirectory(folder)) {
            return DavResource.error(404, "no such upload: MKCOL it first");
        }
        if (chunk.startsWith(".") || chunk.contains("/") || chunk.contains("\\")) {
            return DavResource.error(400, "invalid chunk name");
        }
        long staged = stagedBytes(folder, chunk);
        long declared = Math.max(0, RequestGate.declaredLength(rc.request()));
        if (staged + declared > gate.davLimit()) {
            // the file these chunks make could never be assembled: refused before this one is read
            String error = "request too large: this upload's chunks would hold " + (staged + declared)
                    + " bytes, the limit for WebDAV is " + gate.davLimit() + " bytes";
            rejections.record(RejectionReason.TOO_LARGE, Rejections.REQUEST, error);
            return DavResource.error(413, error);
        }
        java.nio.file.Path target = folder.resolve(chunk);
        java.nio.file.Path part = Files.createTempFile(folder, ".part-", "");
        try (OutputStream out = Files.newOutputStream(part)) {
            if (body != null) {
                body.transferTo(out);
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        return Response.status(201).build();
    }

    /** The bytes of the upload's chunks so far, but the one named {@code except} (a chunk sent again replaces it). */
    private static long stagedBytes(java.nio.file.Path folder, String except) throws IOException {
        long staged = 0;
        for (java.nio.file.Path chunk : chunks(folder)) {
            staged += chunk.getFileName().toString().equals(except) ? 0 : Files.size(chunk);
        }
        return staged;
    }

    @PROPFIND
    @Path("/{id}")
    @Operation(summary = "Chunked upload: the chunks stored so far (to resume)")
    public Response list(@Context RoutingContext rc, @jakarta.ws.rs.PathParam("id") String id,
                         @jakarta.ws.rs.PathParam("user") String user) throws IOException {
        java.nio.file.Path folder = folder(rc, id);
        if (!Files.isDirectory(folder)) {
            return DavResource.error(404, "no such upload");
        }
        String base = "/remote.php/dav/uploads/" + DavPath.encode(user) + "/" + DavPath.encode(id) + "/";
        DavMultistatus out = new DavMultistatus();
        out.openResponse(base);
        out.propstat(List.of(DavMultistatus.dav("resourcetype", "<D:collection/>", true)), 200);
        out.closeResponse();
        for (java.nio.file.Path chunk : chunks(folder)) {
            out.openResponse(base + DavPath.encode(chunk.getFileName().toString()));
            out.propstat(List.of("<D:resourcetype/>",
                    DavMultistatus.dav("getcontentlength", Long.toString(Files.size(chunk)), false)), 200);
            out.closeResponse();
        }
        return Response.status(207).type("application/xml; charset=utf-8").entity(out.finish()).build();
    }

    @MOVE
    @Path("/{id}/.file")
    @Operation(summary = "Chunked upload: assemble the chunks into the Destination file (then it is a photo)")
    public Response finish(@Context RoutingContext rc, @Context HttpHeaders headers,
                           @jakarta.ws.rs.PathParam("id") String id) throws IOException {
        java.nio.file.Path folder = folder(rc, id);
        if (!Files.isDirectory(folder)) {
            return DavResource.error(404, "no such upload");
        }
        // A client retries a slow MOVE while the first still assembles: the retry waits, then finds the upload done.
        return PathTurns.inTurn("chunks " + folder, () -> Files.isDirectory(folder) ? assemble(rc, headers, folder)
                : DavResource.error(404, "no such upload: another request assembled or cancelled it meanwhile"));
    }

    private Response assemble(RoutingContext rc, HttpHeaders headers, java.nio.file.Path folder) throws IOException {
        DavPath destination;
        try {
            destination = DavResource.destination(rc, headers);
        } catch (DavPath.BadPath e) {
            return DavResource.error(400, e.getMessage());
        } catch (DavPath.OtherServer e) {
            return DavResource.error(502, e.getMessage());
        }
        if (destination.isUploadArea()) {
            return DavResource.error(400, "the Destination must be in the files tree (/remote.php/dav/files/<user>/...)");
        }
        long size = stagedBytes(folder, null);
        if (size > gate.davLimit()) {
            // it can never be assembled: the staging goes now, not after a day
            delete(folder);
            String error = "request too large: the chunks hold " + size + " bytes, the limit for WebDAV is "
                    + gate.davLimit() + " bytes";
            rejections.record(RejectionReason.TOO_LARGE, Rejections.REQUEST, error);
            return DavResource.error(413, error);
        }
        String full = gate.spoolFull(size);
        if (full != null) {
            rejections.record(RejectionReason.SPOOL_FULL, Rejections.REQUEST, full);
            return DavResource.error(507, full);
        }
        String file = destination.path().substring(destination.path().lastIndexOf('/') + 1);
        String missing = missing(chunks(folder));
        if (missing != null) {
            // kept: the client may send what is missing and MOVE again
            String error = missing + ": nothing was stored; send it and MOVE again";
            rejections.record(RejectionReason.BAD_REQUEST, file, error);
            return DavResource.error(400, error);
        }
        java.nio.file.Path assembled = Files.createTempFile(folder, ".assembled-", "");
        try {
            long total = 0;
            try (OutputStream out = Files.newOutputStream(assembled)) {
                for (java.nio.file.Path chunk : chunks(folder)) {
                    total += Files.copy(chunk, out);
                }
            }
            String declared = headers.getHeaderString("OC-Total-Length");
            if (declared != null && !declared.strip().equals(Long.toString(total))) {
                // kept as well: a chunk cut short can be sent again
                String error = "the chunks hold " + total + " bytes, OC-Total-Length says "
                        + (declared.strip().matches("[0-9]{1,19}") ? declared.strip() : "something that is not a number of bytes")
                        + ": nothing was stored; send the chunks again and MOVE again";
                rejections.record(RejectionReason.BAD_REQUEST, file, error);
                return DavResource.error(400, error);
            }
            Response answer = files.assembled(rc, headers, destination, assembled);
            if (answer.getStatus() < 300) {
                delete(folder);
            }
            return answer;
        } finally {
            Files.deleteIfExists(assembled);
        }
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Chunked upload: abort")
    public Response abort(@Context RoutingContext rc, @jakarta.ws.rs.PathParam("id") String id) throws IOException {
        java.nio.file.Path folder = folder(rc, id);
        // not while a MOVE assembles it
        return PathTurns.inTurn("chunks " + folder, () -> {
            if (!Files.isDirectory(folder)) {
                return DavResource.error(404, "no such upload");
            }
            delete(folder);
            return Response.noContent().build();
        });
    }

    /** Idle uploads (no chunk for 24 h) are dropped, as Nextcloud does. */
    @Scheduled(every = "1h", delayed = "10m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void expire() {
        if (!Files.isDirectory(root)) {
            return;
        }
        Instant cutoff = Instant.now().minus(EXPIRY);
        try (Stream<java.nio.file.Path> trees = Files.list(root)) {
            for (java.nio.file.Path tree : trees.toList()) {
                try (Stream<java.nio.file.Path> uploads = Files.list(tree)) {
                    for (java.nio.file.Path upload : uploads.toList()) {
                        FileTime modified = Files.getLastModifiedTime(upload);
                        if (modified.toInstant().isBefore(cutoff)) {
                            Log.infof("chunked upload %s expired after 24 h idle", upload.getFileName());
                            delete(upload);
                        }
                    }
                }
            }
        } catch (IOException e) {
            Log.warnf("could not expire chunked uploads: %s", e.getMessage());
        }
    }

    /** The chunks in the order they are assembled: chunks named by numbers by their number ({@code 2} before {@code 10}), others by name. */
    private static List<java.nio.file.Path> chunks(java.nio.file.Path folder) throws IOException {
        List<java.nio.file.Path> out = new ArrayList<>();
        try (DirectoryStream<java.nio.file.Path> dir = Files.newDirectoryStream(folder, p -> !p.getFileName().toString().startsWith("."))) {
            dir.forEach(out::add);
        }
        out.sort(Comparator.comparing((java.nio.file.Path p) -> number(p) < 0).thenComparingLong(DavChunkedUploads::number)
                .thenComparing(p -> p.getFileName().toString()));
        return out;
    }

    /** A chunk's name as a number, -1 when it is not one. */
    private static long number(java.nio.file.Path chunk) {
        String name = chunk.getFileName().toString();
        return name.matches("[0-9]{1,18}") ? Long.parseLong(name) : -1;
    }

    /**
     * What is missing from chunks named by numbers, or null when nothing is (or their names are not all
     * numbers: rclone's byte ranges are taken in name order). Nextcloud's chunking v2 numbers chunks from 1
     * (up to 10000), without holes; its desktop client's older chunking names each chunk by the byte offset
     * it starts at. Either numbering holds, or a chunk was lost and the file would be assembled with a hole.
     */
    private static String missing(List<java.nio.file.Path> chunks) throws IOException {
        List<Long> numbers = new ArrayList<>();
        for (java.nio.file.Path chunk : chunks) {
            if (number(chunk) < 0) {
                return null;
            }
            numbers.add(number(chunk));
        }
        if (numbers.isEmpty()) {
            return null;
        }
        long end = 0;
        int gap = -1;
        for (int i = 0; i < chunks.size() && gap < 0; i++) {
            if (numbers.get(i) == end) {
                end += Files.size(chunks.get(i));
            } else {
                gap = i;
            }
        }
        if (gap < 0) {
            return null; // each chunk starts where the one before it ends
        }
        if (numbers.get(0) == 0 && numbers.get(numbers.size() - 1) > MAX_NUMBERED_CHUNK) {
            return "the chunks do not fit together: none starts at byte " + end + ", the next is "
                    + chunks.get(gap).getFileName();
        }
        long expected = numbers.get(0) == 0 ? 0 : 1;
        for (int i = 0; i < numbers.size(); i++, expected++) {
            String name = chunks.get(i).getFileName().toString();
            if (numbers.get(i) < expected) {
                return "chunks " + chunks.get(i - 1).getFileName() + " and " + name + " have the same number";
            }
            if (numbers.get(i) > expected) {
                return "chunk " + String.format("%0" + name.length() + "d", expected) + " is missing (the upload has "
                        + (i == 0 ? "no chunk before " + name : chunks.get(i - 1).getFileName() + " and then " + name) + ")";
            }
        }
        return null;
    }

    private static void delete(java.nio.file.Path folder) throws IOException {
        try (Stream<java.nio.file.Path> all = Files.walk(folder)) {
            for (java.nio.file.Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
