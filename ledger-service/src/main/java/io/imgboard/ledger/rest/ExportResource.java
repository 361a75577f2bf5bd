package io.imgboard.ledger.rest;

import io.imgboard.ledger.service.Exports;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Export settings, a dry run, and a run (ingest writes the files). */
@Path("/api/v1/export")
@Produces(MediaType.APPLICATION_JSON)
public class ExportResource {
    private final Exports exports;

    ExportResource(Exports exports) {
        this.exports = exports;
    }

    /** The settings and the last run. */
    @GET
    public Map<String, Object> get() {
        return exports.summary();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Exports.Settings put(Exports.Settings settings) {
        try {
            return exports.save(settings);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    /** What a run would export now, and what it would skip by reason; changes nothing. */
    @POST
    @Path("/simulate")
    public Exports.Plan simulate() {
        try {
            return exports.simulate();
        } catch (IllegalStateException e) {
            throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
    }

    @POST
    @Path("/run")
    public Response run() {
        try {
            return Response.accepted(exports.run()).build();
        } catch (IllegalStateException e) {
            throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
    }
}
