package io.imgboard.ledger.rest;

import io.imgboard.ledger.persistence.PhotoFilter;
import io.imgboard.ledger.service.FailureSummary;
import io.imgboard.ledger.service.LedgerStats;
import io.imgboard.ledger.service.PhotoCommands;
import io.imgboard.ledger.service.PhotoDetails;
import io.imgboard.ledger.service.PhotoQueries;
import io.imgboard.ledger.service.SourceNames;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The ledger's photos: queries (open) and operator commands (service token). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class PhotoResource {
    static final int MAX_LIMIT = 500;
    static final int MAX_KNOWN = 1000;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final PhotoQueries queries;
    private final PhotoCommands commands;
    private final SourceNames sourceNames;

    PhotoResource(PhotoQueries queries, PhotoCommands commands, SourceNames sourceNames) {
        this.sourceNames = sourceNames;
        this.queries = queries;
        this.commands = commands;
    }

    /** The body of {@code POST /api/v1/photos/known}. */
    public record KnownRequest(List<String> sha256) {
    }

    public record KnownAnswer(List<String> known) {
    }

    /**
     * Photos, newest arrival first. The next page: {@code cursor} from the {@code X-Next-Cursor}
     * header of this one (absent on the last page).
     */
    @GET
    @Path("/photos")
    public Response photos(@QueryParam("status") String status, @QueryParam("source") String source,
                           @QueryParam("device") String device, @QueryParam("from") String from,
                           @QueryParam("to") String to, @QueryParam("limit") @DefaultValue("50") String limit,
                           @QueryParam("cursor") String cursor) {
        Optional<String> wanted = status == null || status.isBlank() ? Optional.empty() : Optional.of(status.trim());
        int size = limit(limit);
        Instant afterCreated = null;
        UUID afterId = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8).split("\\|");
                afterCreated = Instant.parse(parts[0]);
                afterId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw new BadRequestException("cursor is not one this service gave out");
            }
        }
        PhotoFilter filter = new PhotoFilter(null, sourceNames.idsFor(source), blankToNull(device), time(from, "from"),
                time(to, "to"), afterCreated, afterId);
        List<PhotoDetails> page;
        try {
            page = queries.page(wanted, filter, size);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        Response.ResponseBuilder answer = Response.ok(page);
        if (page.size() == size) {
            PhotoDetails last = page.get(page.size() - 1);
            answer.header("X-Next-Cursor", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((last.createdAt() + "|" + last.photoId()).getBytes(StandardCharsets.UTF_8)));
        }
        return answer.build();
    }

    @GET
    @Path("/photos/{id}")
    public PhotoDetails photo(@PathParam("id") String id) {
        UUID photoId = photoId(id);
        return queries.byId(photoId).orElseThrow(() -> new NotFoundException("no photo with id " + id));
    }

    /** Whether some content is known (ingest asks this before storing an upload); a twin's answers its photo. */
    @GET
    @Path("/photos/by-sha256/{sha256}")
    public PhotoDetails bySha256(@PathParam("sha256") String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            throw new BadRequestException("not a sha256 (64 hex digits): " + sha256);
        }
        return queries.bySha256(sha256).orElseThrow(() -> new NotFoundException("no photo with sha256 " + sha256));
    }

    /**
     * Which checksums need not be uploaded: known content (or a twin's), unless retired (its arrival
     * brings it back). A deleted photo's content is known, so a phone stops sending it again.
     */
    @POST
    @Path("/photos/known")
    @Consumes(MediaType.APPLICATION_JSON)
    public KnownAnswer known(KnownRequest request) {
        if (request == null || request.sha256() == null) {
            throw new BadRequestException("body must be {\"sha256\": [\"<64 hex digits>\", ...]}");
        }
        if (request.sha256().size() > MAX_KNOWN) {
            throw new BadRequestException("at most " + MAX_KNOWN + " checksums per request, not " + request.sha256().size());
        }
        List<String> wanted = new ArrayList<>(request.sha256().size());
        for (String sha : request.sha256()) {
            if (sha == null || !SHA256.matcher(sha).matches()) {
                throw new BadRequestException("not a sha256 (64 hex digits): " + (sha == null ? "null"
                        : sha.length() > 80 ? sha.substring(0, 80) + "..." : sha));
            }
            wanted.add(sha.toLowerCase(Locale.ROOT));
        }
        List<String> known = queries.known(wanted);
        // In the caller's order and spelling.
        return new KnownAnswer(request.sha256().stream().filter(s -> known.contains(s.toLowerCase(Locale.ROOT))).toList());
    }

    @POST
    @Path("/photos/{id}/hide")
    public Map<String, Object> hide(@PathParam("id") String id) {
        return hide(id, true);
    }

    /** 409 for a deleted photo. */
    private Map<String, Object> hide(String id, boolean hidden) {
        UUID photoId = photoId(id);
        try {
            return Map.of("photoId", commands.hide(photoId, hidden).orElseThrow(() -> notFound(id)), "hidden", hidden);
        } catch (IllegalStateException e) {
            throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
    }

    @POST
    @Path("/photos/{id}/unhide")
    public Map<String, Object> unhide(@PathParam("id") String id) {
        return hide(id, false);
    }

    @DELETE
    @Path("/photos/{id}")
    public Map<String, Object> delete(@PathParam("id") String id) {
        UUID photoId = photoId(id);
        return Map.of("photoId", commands.delete(photoId).orElseThrow(() -> notFound(id)), "deleted", true);
    }

    @POST
    @Path("/photos/{id}/retry")
    public Map<String, Object> retry(@PathParam("id") String id) {
        UUID photoId = photoId(id);
        try {
            return Map.of("photoId", commands.retry(photoId).orElseThrow(() -> notFound(id)), "requested", true);
        } catch (IllegalStateException e) {
            throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
    }

    @POST
    @Path("/failures/retry")
    public Map<String, Object> retryAll() {
        return Map.of("retried", commands.retryAll());
    }

    @POST
    @Path("/photos/{id}/twins/{twinId}/split")
    public PhotoDetails split(@PathParam("id") String id, @PathParam("twinId") String twinId) {
        UUID photoId = photoId(id);
        UUID twin = photoId(twinId);
        try {
            if (!commands.split(photoId, twin)) {
                throw new NotFoundException("photo " + twinId + " is not a twin of photo " + id);
            }
        } catch (IllegalStateException e) {
            throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
        return queries.byId(twin).orElseThrow(() -> notFound(twinId));
    }

    /** Photos that could not be processed, most recent first. */
    @GET
    @Path("/failures")
    public List<FailureSummary> failures(@QueryParam("limit") @DefaultValue("100") String limit) {
        return queries.failures(limit(limit));
    }

    @GET
    @Path("/stats")
    public LedgerStats stats() {
        return queries.stats();
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("no photo with id " + id);
    }

    private static UUID photoId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("not a photo id: " + (id.length() > 80 ? id.substring(0, 80) + "..." : id));
        }
    }

    private static Instant time(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 instant such as 2026-07-01T00:00:00Z");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    static int limit(String limit) {
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException("limit must be a number from 1 to " + MAX_LIMIT + ", not " + limit);
    }
}
