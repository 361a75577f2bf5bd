package io.imgboard.display.rest;

import io.imgboard.display.service.LedgerFailure;
import io.imgboard.display.service.Rejections;
import io.imgboard.display.service.Upstreams;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Read-only queries behind the admin page; answered by asking the ledger and ingest server-side. Admin token only. */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class AdminResource {
    private final Upstreams upstreams;

    AdminResource(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    @GET
    @Path("failures")
    @Operation(summary = "Photos that could not be processed, from the ledger; 502 when the ledger cannot be asked")
    public Uni<List<LedgerFailure>> failures() {
        return upstreams.failures();
    }

    @GET
    @Path("rejections")
    @Operation(summary = "Uploads ingest rejected; configured=false when no admin token is set; 502 when ingest cannot be asked")
    public Uni<Rejections> rejections() {
        return upstreams.rejections();
    }
}
