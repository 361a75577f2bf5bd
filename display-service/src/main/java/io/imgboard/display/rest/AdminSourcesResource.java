package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.service.Upstreams;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Ingest's folder sources for the admin page: list with status, add, edit, delete, simulate, scan
 * now. Ingest validates the settings and says what is wrong; the display only checks the id it puts
 * into the path. Admin token only.
 */
@Path("/api/v1/admin/sources")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class AdminSourcesResource {
    private static final String SOURCES = "/api/v1/sources";
    private static final String EXAMPLE = "{\"id\": \"nas\", \"path\": \"/photos/nas\"}";

    private final AdminRelay relay;

    AdminSourcesResource(AdminRelay relay) {
        this.relay = relay;
    }

    @GET
    @Operation(summary = "Ingest's folder sources with their settings, last scan, totals and errors")
    public Uni<Response> list() {
        return relay.relay(Upstreams.INGEST, "GET", SOURCES, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a folder source (ingest's settings: id, path, recursive, include, exclude, pollSeconds, ...)")
    public Uni<Response> create(JsonNode body) {
        return relay.write(Upstreams.INGEST, "POST", SOURCES, body, EXAMPLE);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One source")
    public Uni<Response> get(@PathParam("id") String id) {
        return perSource("GET", id, "", null);
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a source's settings")
    public Uni<Response> update(@PathParam("id") String id, JsonNode body) {
        if (body == null || !body.isObject()) {
            return AdminRelay.badRequest("Send a JSON object, e.g. " + EXAMPLE + ".");
        }
        return perSource("PUT", id, "", body);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Remove a source: the photos of the files it holds leave the frames unless its onDelete is keep;"
            + " the files stay where they are")
    public Uni<Response> delete(@PathParam("id") String id) {
        return perSource("DELETE", id, "", null);
    }

    @POST
    @Path("{id}/scan")
    @Operation(summary = "Scan the source now; answers what the scan found and did")
    public Uni<Response> scan(@PathParam("id") String id) {
        return perSource("POST", id, "/scan", null);
    }

    @POST
    @Path("{id}/simulate")
    @Operation(summary = "What a scan would take now; stores and moves nothing")
    public Uni<Response> simulate(@PathParam("id") String id) {
        return perSource("POST", id, "/simulate", null);
    }

    private Uni<Response> perSource(String method, String id, String action, JsonNode body) {
        if (id == null || !AdminRelay.SOURCE_ID.matcher(id).matches()) {
            return AdminRelay.badRequest("A source id is 1 to 40 characters from a-z, 0-9 and -, starting with a letter or digit.");
        }
        return relay.relay(Upstreams.INGEST, method, SOURCES + "/" + AdminRelay.segment(id) + action, body);
    }
}
