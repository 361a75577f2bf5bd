package io.imgboard.ledger.rest;

import io.imgboard.ledger.service.FailureSummary;
import io.imgboard.ledger.service.LedgerStats;
import io.imgboard.ledger.service.PhotoDetails;
import io.imgboard.ledger.service.PhotoQueries;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The ledger's queries: photos, failures, counts. Read-only; changes arrive as events. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class PhotoResource {
    static final int MAX_LIMIT = 500;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final PhotoQueries queries;

    PhotoResource(PhotoQueries queries) {
        this.queries = queries;
    }

    /** Photos, newest first; {@code status} one of PENDING, READY, FAILED. */
    @GET
    @Path("/photos")
    public List<PhotoDetails> photos(@QueryParam("status") String status, @QueryParam("limit") @DefaultValue("50") String limit) {
        Optional<String> wanted = status == null || status.isBlank() ? Optional.empty() : Optional.of(status.trim());
        int size = limit(limit);
        try {
            return queries.newest(wanted, size);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    @GET
    @Path("/photos/{id}")
    public PhotoDetails photo(@PathParam("id") String id) {
        UUID photoId;
        try {
            photoId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("not a photo id: " + id);
        }
        return queries.byId(photoId).orElseThrow(() -> new NotFoundException("no photo with id " + id));
    }

    /** Whether some content is known (ingest asks this before storing an upload). */
    @GET
    @Path("/photos/by-sha256/{sha256}")
    public PhotoDetails bySha256(@PathParam("sha256") String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            throw new BadRequestException("not a sha256 (64 hex digits): " + sha256);
        }
        return queries.bySha256(sha256).orElseThrow(() -> new NotFoundException("no photo with sha256 " + sha256));
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

    private static int limit(String limit) {
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
