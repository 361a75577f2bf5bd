package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.service.Upstreams;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The ledger's photo-folder export for the admin page: settings, a dry run, a run. Admin token only. */
@Path("/api/v1/admin/export")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class AdminExportResource {
    private static final String EXPORT = "/api/v1/export";

    private final AdminRelay relay;

    AdminExportResource(AdminRelay relay) {
        this.relay = relay;
    }

    @GET
    @Operation(summary = "Export settings (path, layout, mode, baseline, sourceId) and the last run")
    public Uni<Response> get() {
        return relay.relay(Upstreams.LEDGER, "GET", EXPORT, null);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Save the export settings; 400 with the ledger's reason")
    public Uni<Response> put(JsonNode body) {
        return relay.write(Upstreams.LEDGER, "PUT", EXPORT, body,
                "{\"path\": \"/photos/export\", \"layout\": \"date\", \"mode\": \"going-forward\"}");
    }

    @POST
    @Path("simulate")
    @Operation(summary = "What a run would export now and what it would skip, by reason; changes nothing")
    public Uni<Response> simulate() {
        return relay.relay(Upstreams.LEDGER, "POST", EXPORT + "/simulate", null);
    }

    @POST
    @Path("run")
    @Operation(summary = "Start an export run (ingest writes the files); 409 when there is nothing to run")
    public Uni<Response> run() {
        return relay.relay(Upstreams.LEDGER, "POST", EXPORT + "/run", null);
    }
}
