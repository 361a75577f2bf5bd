package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.service.Upstreams;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Ingest's devices for the admin page. A new device's token is in the create answer only (ingest
 * stores a hash); the display passes it through once and keeps nothing. Admin token only.
 */
@Path("/api/v1/admin/devices")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class AdminDevicesResource {
    private static final String DEVICES = "/api/v1/devices";

    private final AdminRelay relay;

    AdminDevicesResource(AdminRelay relay) {
        this.relay = relay;
    }

    @GET
    @Operation(summary = "Devices: name, created, last used, uploads (never their tokens)")
    public Uni<Response> list() {
        return relay.relay(Upstreams.INGEST, "GET", DEVICES, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a device; 201 {name, token}: the token is in this answer only")
    public Uni<Response> create(JsonNode body) {
        return relay.write(Upstreams.INGEST, "POST", DEVICES, body, "{\"name\": \"anna-iphone\"}");
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Revoke a device: its token is refused from the next request on")
    public Uni<Response> revoke(@PathParam("name") String name) {
        if (name == null || !AdminRelay.DEVICE_NAME.matcher(name).matches()) {
            return AdminRelay.badRequest("A device name is 1 to 64 characters from a-z, 0-9, '.', '_' and '-'.");
        }
        return relay.relay(Upstreams.INGEST, "DELETE", DEVICES + "/" + AdminRelay.segment(name), null);
    }
}
