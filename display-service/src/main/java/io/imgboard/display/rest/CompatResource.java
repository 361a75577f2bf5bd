package io.imgboard.display.rest;

import io.imgboard.support.EntityTags;
import io.imgboard.support.HttpDate;
import io.imgboard.support.RequestPath;
import io.vertx.core.http.HttpServerRequest;
import io.imgboard.display.service.CompatFeed;
import io.imgboard.display.service.CompatNames;
import io.imgboard.display.service.PhotoView;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.storage.RenditionInfo;
import io.imgboard.display.storage.RenditionObject;
import io.imgboard.display.storage.RenditionStore;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * img-board's public routes (IMG-BOARD-API.md, section 2): the list, the images, liveness, and a JSON
 * 404 for every other {@code /api/} path. HEAD answers every GET with the same status and headers.
 */
@Path("/")
@Tag(name = "img-board compatibility")
public class CompatResource {
    private static final String IMAGES = "/images/";
    static final String REVALIDATE = "public, max-age=0";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final Playlist playlist;
    private final CompatFeed feed;
    private final RenditionStore store;

    CompatResource(Playlist playlist, CompatFeed feed, RenditionStore store) {
        this.playlist = playlist;
        this.feed = feed;
        this.store = store;
    }

    @GET
    @Path("api/images")
    @Operation(summary = "img-board: the displayable file names, shuffled or in capture order")
    public Response images() {
        return Compat.ok(feed.list());
    }

    @HEAD
    @Path("api/images")
    public Response imagesHead() {
        return Compat.head(images());
    }

    @GET
    @Path("health")
    @Operation(summary = "img-board: liveness, {\"status\":\"ok\",\"uptime\":<seconds>}")
    public Response health() {
        // since the service's JVM started (this resource is made on its first request, so a time of its own would not do)
        double uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        return Compat.ok(Compat.object().put("status", "ok").put("uptime", Math.round(uptime * 1000) / 1000.0));
    }

    @HEAD
    @Path("health")
    public Response healthHead() {
        return Compat.head(health());
    }

    @GET
    @Path("images/{filename: .+}")
    @Operation(summary = "img-board: one image as WebP, with ETag, Range (and If-Range) and revalidation")
    public Response image(@Context HttpServerRequest request, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
                          @HeaderParam("Range") String range, @HeaderParam("If-Range") String ifRange) {
        return serve(requestedName(request), ifNoneMatch, range, ifRange, true);
    }

    @HEAD
    @Path("images/{filename: .+}")
    public Response imageHead(@Context HttpServerRequest request, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
                              @HeaderParam("Range") String range, @HeaderParam("If-Range") String ifRange) {
        return Compat.head(serve(requestedName(request), ifNoneMatch, range, ifRange, false));
    }

    /**
     * The name as sent, percent-decoded once (IMG-BOARD-API section 7), not the path parameter: RESTEasy
     * drops a segment's {@code ;…} and a trailing slash, so {@code /images/a.webp;x} and {@code /images/a.webp/}
     * would be served as {@code a.webp}, which is not an exact lookup.
     */
    static String requestedName(HttpServerRequest request) {
        String raw = request.path();
        int at = raw.indexOf(IMAGES);
        return RequestPath.decode(at < 0 ? "" : raw.substring(at + IMAGES.length()));
    }

    /** Any other {@code /api/} path: JSON, never an HTML page. */
    @GET
    @Path("api/{rest: .*}")
    public Response unknown() {
        return Compat.error(Response.Status.NOT_FOUND, "Not found");
    }

    @HEAD
    @Path("api/{rest: .*}")
    public Response unknownHead() {
        return Compat.head(unknown());
    }

    @POST
    @Path("api/{rest: .*}")
    public Response unknownPost() {
        return unknown();
    }

    @PUT
    @Path("api/{rest: .*}")
    public Response unknownPut() {
        return unknown();
    }

    @DELETE
    @Path("api/{rest: .*}")
    public Response unknownDelete() {
        return unknown();
    }

    @PATCH
    @Path("api/{rest: .*}")
    public Response unknownPatch() {
        return unknown();
    }

    @OPTIONS
    @Path("api/{rest: .*}")
    public Response unknownOptions() {
        return unknown();
    }

    private Response serve(String filename, String ifNoneMatch, String range, String ifRange, boolean withBody) {
        Optional<Response> refused = refusal(filename);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<PhotoView> photo = playlist.byFileName(filename);
        if (photo.isEmpty()) {
            return Compat.text(Response.Status.NOT_FOUND, "Not found");
        }
        String rendition = photo.get().compatRendition();
        UUID photoId = photo.get().photoId();
        if (withBody && range == null && ifNoneMatch == null) {
            // The whole object, described by the answer that carries it: a reprocess may write the
            // rendition again at any time, and a length read before the bytes would then not be theirs.
            Optional<RenditionObject> opened = store.open(photoId, rendition);
            if (opened.isEmpty()) {
                return Compat.text(Response.Status.NOT_FOUND, "Not found");
            }
            return withBody(headers(Response.ok(), opened.get().info()), opened.get()).build();
        }
        Optional<RenditionInfo> stat = store.stat(photoId, rendition);
        if (stat.isEmpty()) {
            return Compat.text(Response.Status.NOT_FOUND, "Not found");
        }
        RenditionInfo info = stat.get();
        if (EntityTags.noneMatchFails(ifNoneMatch, info.etag())) {
            return headers(Response.notModified(), info).build();
        }
        long size = info.size();
        // A name keeps its name through a reprocess while its bytes change: a range asked for under an
        // If-Range that is no longer true would splice new bytes onto old ones, so it is answered whole.
        boolean ranged = range != null && (ifRange == null || ifRangeHolds(ifRange, info));
        long[] part = !ranged || size < 0 ? null : range(range, size);
        if (part != null && part.length == 0) {
            return Response.status(416).header("Content-Range", "bytes */" + size).header("Accept-Ranges", "bytes")
                    .type(Compat.TEXT).entity("Range Not Satisfiable").build();
        }
        Response.ResponseBuilder builder = part == null ? Response.ok() : Response.status(206)
                .header("Content-Range", "bytes " + part[0] + "-" + part[1] + "/" + size);
        if (!withBody) {
            long length = part == null ? size : part[1] - part[0] + 1;
            headers(builder, info).type(MediaResource.WEBP);
            return (length >= 0 ? builder.header(HttpHeaders.CONTENT_LENGTH, length) : builder).build();
        }
        Optional<RenditionObject> opened = part == null ? store.open(photoId, rendition)
                : store.open(photoId, rendition, part[0], part[1] - part[0] + 1);
        if (opened.isEmpty()) {
            return Compat.text(Response.Status.NOT_FOUND, "Not found");
        }
        if (part != null && ifRange != null && !sameTag(info, opened.get().info())) {
            // Written again between the stat and the read: the part read is of bytes the If-Range did not
            // name, so the whole new object goes instead, as it would have had the write come first.
            return whole(photoId, rendition, opened.get());
        }
        // The length (and the tag) of what is sent, not of what the stat saw.
        return withBody(headers(builder, opened.get().info()), opened.get()).build();
    }

    private Response whole(UUID photoId, String rendition, RenditionObject part) {
        try {
            part.close();
        } catch (IOException e) {
            // Only the connection of a part not sent; the answer does not depend on it.
        }
        Optional<RenditionObject> opened = store.open(photoId, rendition);
        if (opened.isEmpty()) {
            return Compat.text(Response.Status.NOT_FOUND, "Not found");
        }
        return withBody(headers(Response.ok(), opened.get().info()), opened.get()).build();
    }

    private static boolean sameTag(RenditionInfo seen, RenditionInfo read) {
        return seen.etag() != null && seen.etag().equals(read.etag());
    }

    /**
     * RFC 9110 §13.1.5: an entity tag holds when it is the current one by strong comparison; a date only when
     * it is exactly the {@code Last-Modified} sent. Our tag is strong and changes with the bytes, so clients
     * should send it: a date names a second, and a reprocess can write a rendition twice within one.
     */
    static boolean ifRangeHolds(String ifRange, RenditionInfo info) {
        String value = ifRange.strip();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return EntityTags.strongMatch(value, info.etag());
        }
        java.time.Instant date = HttpDate.parse(value);
        return date != null && info.lastModified() != null
                && date.equals(info.lastModified().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private static Response.ResponseBuilder withBody(Response.ResponseBuilder builder, RenditionObject object) {
        builder.type(MediaResource.WEBP);
        if (object.info().size() >= 0) {
            builder.header(HttpHeaders.CONTENT_LENGTH, object.info().size());
        }
        StreamingOutput body = out -> {
            try (object) {
                object.body().transferTo(out);
            }
        };
        return builder.entity(body);
    }

    /** Section 7, checks 1 and 2, on the decoded name: anything but .webp, separators, {@code ..}, control characters. */
    static Optional<Response> refusal(String filename) {
        int dot = filename.lastIndexOf('.');
        String extension = dot < 0 ? "" : filename.substring(dot).toLowerCase(Locale.ROOT);
        boolean forbidden = !extension.equals(".webp") || filename.indexOf('/') >= 0 || filename.indexOf('\\') >= 0
                || filename.equals("..") || filename.chars().anyMatch(Character::isISOControl); // C0, DEL and C1
        if (forbidden) {
            return Optional.of(Compat.text(Response.Status.FORBIDDEN, "Forbidden"));
        }
        if (!CompatNames.isWellFormed(filename)) {
            return Optional.of(Compat.text(Response.Status.NOT_FOUND, "Not found"));
        }
        return Optional.empty();
    }

    /**
     * One range {@code bytes=a-b}, {@code a-} or {@code -n}: {first, last}; an empty array when it
     * cannot be satisfied; null for anything else (several ranges, other units), answered whole.
     */
    static long[] range(String header, long size) {
        Matcher m = RANGE.matcher(header.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    return new long[0];
                }
                return new long[]{Math.max(0, size - suffix), size - 1};
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (first >= size || last < first) {
                return first >= size ? new long[0] : null;
            }
            return new long[]{first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Response.ResponseBuilder headers(Response.ResponseBuilder builder, RenditionInfo info) {
        builder.header("Accept-Ranges", "bytes").header(HttpHeaders.CACHE_CONTROL, REVALIDATE);
        if (info.etag() != null) {
            builder.header(HttpHeaders.ETAG, info.etag());
        }
        if (info.lastModified() != null) {
            builder.header(HttpHeaders.LAST_MODIFIED, HttpDate.format(info.lastModified()));
        }
        return builder;
    }
}
