package io.imgboard.ledger.rest;

import io.imgboard.ledger.persistence.SourceCountRepository;
import io.imgboard.ledger.service.DeadLetters;
import io.imgboard.ledger.service.OutboxAdmin;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
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

import java.util.List;

/**
 * What went wrong and can be replayed (dead letters, every service's, and parked outbox rows), and
 * what the sources left out on purpose (skipped files, with their reason).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class OperationsResource {
    private final DeadLetters deadLetters;
    private final OutboxAdmin outbox;
    private final SourceCountRepository counts;

    OperationsResource(DeadLetters deadLetters, OutboxAdmin outbox, SourceCountRepository counts) {
        this.deadLetters = deadLetters;
        this.outbox = outbox;
        this.counts = counts;
    }

    /** {@code total}: every skipped file known; {@code files}: the newest {@code limit} of them. */
    public record Skipped(long total, List<SourceCountRepository.SkippedFile> files) {
    }

    @GET
    @Path("/skipped")
    @Transactional
    public Skipped skipped(@QueryParam("limit") @DefaultValue("100") String limit) {
        return new Skipped(counts.skippedCount(), counts.newestSkipped(PhotoResource.limit(limit)));
    }

    @GET
    @Path("/dead-letters")
    public List<DeadLetters.View> deadLetters(@QueryParam("limit") @DefaultValue("100") String limit) {
        return deadLetters.newest(PhotoResource.limit(limit));
    }

    @POST
    @Path("/dead-letters/{id}/replay")
    public DeadLetters.View replay(@PathParam("id") String id) {
        long deadLetterId = id(id, "dead letter");
        try {
            return deadLetters.replay(deadLetterId).orElseThrow(() -> new NotFoundException("no dead letter " + id));
        } catch (IllegalStateException e) {
            throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
    }

    @GET
    @Path("/outbox/parked")
    public List<OutboxAdmin.Parked> parked(@QueryParam("limit") @DefaultValue("100") String limit) {
        return outbox.parked(PhotoResource.limit(limit));
    }

    @POST
    @Path("/outbox/{id}/replay")
    public OutboxAdmin.Parked replayOutbox(@PathParam("id") String id) {
        long rowId = id(id, "outbox row");
        try {
            return outbox.replay(rowId).orElseThrow(() -> new NotFoundException("no parked outbox row " + id));
        } catch (IllegalStateException e) {
            throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
    }

    private static long id(String id, String what) {
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException("not a " + what + " id: " + (id.length() > 40 ? id.substring(0, 40) : id));
        }
    }
}
