package io.imgboard.display.rest;

import io.imgboard.support.EntityTags;
import io.imgboard.support.ErrorBody;
import io.imgboard.display.service.MediaGrants;
import io.imgboard.display.service.MediaPaths;
import io.imgboard.display.service.PhotoView;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.storage.RenditionInfo;
import io.imgboard.display.storage.RenditionObject;
import io.imgboard.display.storage.RenditionStore;
import io.imgboard.events.RenditionSpec;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /media/{photoId}/{rendition}.webp}: a rendition streamed from the renditions bucket, of a
 * photo the frames show (it is in the playlist). Any other photo's (hidden, retired, deleted, not made
 * yet) answers 404 like one that never was, unless the URL carries a grant from the admin listing
 * ({@link MediaGrants}): knowing a photo's URL is not enough once it is off the frames. A key's content
 * is written again by a reprocess, so the S3 ETag, a strong validator, changes with the bytes. A shown photo's
 * answer to its current URL ({@code ?v=} the version the frames were given, {@link MediaPaths#url}) may be
 * cached for a year, since the next bytes come under another {@code v}; under any other {@code v}, or none,
 * the same key may change under the same URL, so the answer is revalidated with the ETag each time. Both are
 * for the browser only ({@code private}): a shared cache would keep serving a photo after it was hidden.
 * Both path parts are checked against strict rules; nothing else from the client reaches the object key.
 */
@Path("/media/{photoId}/{file}")
@Tag(name = "media")
public class MediaResource {
    static final String WEBP = "image/webp";
    static final String IMMUTABLE = "private, max-age=31536000, immutable";
    /** A shown photo's, asked for under a URL that is not its current one. */
    static final String REVALIDATE = "private, no-cache";
    /** A granted answer: kept no longer than the admin page needs it. */
    static final String GRANTED = "private, max-age=3600";
    private static final Pattern FILE = Pattern.compile("(.*)\\.webp");

    private final RenditionStore store;
    private final Playlist playlist;
    private final MediaGrants grants;

    MediaResource(RenditionStore store, Playlist playlist, MediaGrants grants) {
        this.store = store;
        this.playlist = playlist;
        this.grants = grants;
    }

    private record Target(UUID photoId, String rendition) {
    }

    @GET
    @Operation(summary = "A rendition as WebP, with a strong ETag; immutable caching for its current ?v=")
    public Response get(@PathParam("photoId") String photoId, @PathParam("file") String file,
                        @QueryParam("v") String version, @QueryParam("exp") String exp, @QueryParam("grant") String grant,
                        @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        Target target = target(photoId, file);
        Optional<String> caching = caching(target, version, exp, grant);
        if (caching.isEmpty()) {
            return notServed(target);
        }
        if (ifNoneMatch != null) {
            // Ask for the ETag alone first, so a revalidation never opens the object.
            Optional<RenditionInfo> info = store.stat(target.photoId(), target.rendition());
            if (info.isEmpty()) {
                return notFound(target);
            }
            if (EntityTags.noneMatchFails(ifNoneMatch, info.get().etag())) {
                return cacheHeaders(Response.notModified(), info.get(), caching.get()).build();
            }
        }
        Optional<RenditionObject> opened = store.open(target.photoId(), target.rendition());
        if (opened.isEmpty()) {
            return notFound(target);
        }
        RenditionObject object = opened.get();
        StreamingOutput body = out -> {
            try (object) {
                object.body().transferTo(out);
            }
        };
        return withLength(cacheHeaders(Response.ok(body, WEBP), object.info(), caching.get()), object.info()).build();
    }

    @HEAD
    public Response head(@PathParam("photoId") String photoId, @PathParam("file") String file,
                         @QueryParam("v") String version, @QueryParam("exp") String exp, @QueryParam("grant") String grant) {
        Target target = target(photoId, file);
        Optional<String> caching = caching(target, version, exp, grant);
        if (caching.isEmpty()) {
            return notServed(target);
        }
        return store.stat(target.photoId(), target.rendition())
                .map(info -> withLength(cacheHeaders(Response.ok().type(WEBP), info, caching.get()), info).build())
                .orElseGet(() -> notFound(target));
    }

    /** How the answer may be cached when it may be served at all: a shown photo's, or a granted one's. */
    private Optional<String> caching(Target target, String version, String exp, String grant) {
        Optional<PhotoView> shown = playlist.photo(target.photoId());
        if (shown.isPresent()) {
            String current = shown.get().renditions().get(target.rendition());
            return Optional.of(MediaPaths.isCurrent(current, version) ? IMMUTABLE : REVALIDATE);
        }
        return grants.admits(target.photoId(), target.rendition(), exp, grant) ? Optional.of(GRANTED) : Optional.empty();
    }

    /**
     * Not a photo the frames show, nor granted: 404 as if there were none; while the display is still
     * reading its catalog it cannot tell yet, so 503 and a moment to wait.
     */
    private Response notServed(Target target) {
        if (!playlist.isLoaded()) {
            return Response.fromResponse(ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE,
                    "the display is starting: its photos are not read yet")).header("Retry-After", "5").build();
        }
        return notFound(target);
    }

    private static Target target(String photoId, String file) {
        UUID id = MediaPaths.photoId(photoId).orElseThrow(() -> badRequest("photo id must be a UUID"));
        Matcher name = FILE.matcher(file);
        if (!name.matches() || !RenditionSpec.isName(name.group(1))) {
            throw badRequest("rendition must be <name>.webp with a name of 1-32 characters a-z, 0-9 or -,"
                    + " starting with a letter or digit");
        }
        return new Target(id, name.group(1));
    }

    private static Response.ResponseBuilder cacheHeaders(Response.ResponseBuilder builder, RenditionInfo info, String caching) {
        if (info.etag() != null) {
            builder.header(HttpHeaders.ETAG, info.etag());
        }
        return builder.header(HttpHeaders.CACHE_CONTROL, caching);
    }

    private static Response.ResponseBuilder withLength(Response.ResponseBuilder builder, RenditionInfo info) {
        return info.size() >= 0 ? builder.header(HttpHeaders.CONTENT_LENGTH, info.size()) : builder;
    }

    private static Response notFound(Target target) {
        return ErrorBody.response(Response.Status.NOT_FOUND,
                "no " + target.rendition() + " rendition for photo " + target.photoId());
    }

    private static BadRequestException badRequest(String message) {
        return new BadRequestException(ErrorBody.response(Response.Status.BAD_REQUEST, message));
    }
}
