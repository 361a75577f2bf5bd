package io.imgboard.display.rest;

import io.imgboard.support.ErrorBody;
import io.imgboard.display.service.MediaPaths;
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
 * {@code GET /media/{photoId}/{rendition}.webp}: a rendition streamed from the renditions bucket.
 * A key's content never changes, so the S3 ETag is a strong validator and the answer may be cached
 * for a year. Both path parts are checked against strict rules; nothing else from the client
 * reaches the object key.
 */
@Path("/media/{photoId}/{file}")
@Tag(name = "media")
public class MediaResource {
    static final String WEBP = "image/webp";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final Pattern FILE = Pattern.compile("(.*)\\.webp");

    private final RenditionStore store;

    MediaResource(RenditionStore store) {
        this.store = store;
    }

    private record Target(UUID photoId, String rendition) {
    }

    @GET
    @Operation(summary = "A rendition as WebP, with a strong ETag and immutable caching")
    public Response get(@PathParam("photoId") String photoId, @PathParam("file") String file,
                        @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        Target target = target(photoId, file);
        if (ifNoneMatch != null) {
            // Ask for the ETag alone first, so a revalidation never opens the object.
            Optional<RenditionInfo> info = store.stat(target.photoId(), target.rendition());
            if (info.isEmpty()) {
                return notFound(target);
            }
            if (EntityTags.noneMatchFails(ifNoneMatch, info.get().etag())) {
                return cacheHeaders(Response.notModified(), info.get()).build();
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
        return withLength(cacheHeaders(Response.ok(body, WEBP), object.info()), object.info()).build();
    }

    @HEAD
    public Response head(@PathParam("photoId") String photoId, @PathParam("file") String file) {
        Target target = target(photoId, file);
        return store.stat(target.photoId(), target.rendition())
                .map(info -> withLength(cacheHeaders(Response.ok().type(WEBP), info), info).build())
                .orElseGet(() -> notFound(target));
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

    private static Response.ResponseBuilder cacheHeaders(Response.ResponseBuilder builder, RenditionInfo info) {
        if (info.etag() != null) {
            builder.header(HttpHeaders.ETAG, info.etag());
        }
        return builder.header(HttpHeaders.CACHE_CONTROL, IMMUTABLE);
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
