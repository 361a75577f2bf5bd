package io.imgboard.ledger.rest;

import io.imgboard.events.RenditionSpec;
import io.imgboard.ledger.service.JobConflictException;
import io.imgboard.ledger.service.JobView;
import io.imgboard.ledger.service.RenditionSettings;
import io.imgboard.ledger.service.ReprocessJobs;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** Reprocess jobs and the rendition set. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {
    private final ReprocessJobs jobs;
    private final RenditionSettings renditions;

    JobResource(ReprocessJobs jobs, RenditionSettings renditions) {
        this.jobs = jobs;
        this.renditions = renditions;
    }

    public record ReprocessRequest(String scope) {
    }

    public record RenditionSet(List<RenditionSpec> renditions) {
    }

    /** 202 with the job; 409 while one runs. */
    @POST
    @Path("/jobs/reprocess")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response reprocess(ReprocessRequest request) {
        String scope = request == null || request.scope() == null ? "all" : request.scope();
        try {
            return Response.accepted(jobs.start(scope, false)).build();
        } catch (JobConflictException e) {
            return ErrorMappers.json(409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    @GET
    @Path("/jobs/current")
    public JobView current() {
        return jobs.current();
    }

    @GET
    @Path("/renditions")
    public RenditionSet renditions() {
        return new RenditionSet(renditions.current());
    }

    @PUT
    @Path("/renditions")
    @Consumes(MediaType.APPLICATION_JSON)
    public RenditionSettings.Change setRenditions(RenditionSet set) {
        try {
            return renditions.replace(set == null ? null : set.renditions());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
