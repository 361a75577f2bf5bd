package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgboard.display.service.UpstreamException;
import io.imgboard.display.service.Upstreams;
import io.imgboard.support.ErrorBody;
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

import java.util.Map;

/** The ledger's photo-folder export for the admin page: settings, a dry run, a run. Admin token only. */
@Path("/api/v1/admin/export")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class AdminExportResource {
    private static final String EXPORT = "/api/v1/export";
    /** Ingest's {@code ExportFolderResource}. */
    private static final String FOLDER_CHECK = "/api/v1/export/folder";

    private final AdminRelay relay;
    private final Upstreams upstreams;

    AdminExportResource(AdminRelay relay, Upstreams upstreams) {
        this.relay = relay;
        this.upstreams = upstreams;
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

    /**
     * The ledger plans the run, but whether the folder may be written is ingest's rule (a folder source's
     * root or inside an allowed export root), so the plan gains ingest's own answer: {@code refused}, the
     * words each photo of a run would fail with (null when ingest may write there), or {@code unchecked}
     * when ingest could not be asked.
     */
    @POST
    @Path("simulate")
    @Operation(summary = "What a run would export now and what it would skip, by reason, and whether ingest would "
            + "refuse the folder (refused: its reason); changes nothing")
    public Uni<Response> simulate() {
        return upstreams.call(Upstreams.LEDGER, "POST", EXPORT + "/simulate", null).flatMap(plan -> {
            if (!plan.ok() || !(plan.body() instanceof ObjectNode body) || !body.path("folder").isTextual()) {
                return Uni.createFrom().item(AdminRelay.respond(Upstreams.LEDGER, plan, b -> b));
            }
            String folder = body.path("folder").asText();
            return upstreams.call(Upstreams.INGEST, "GET", FOLDER_CHECK + AdminRelay.query(Map.of("path", folder)), null)
                    .map(check -> {
                        if (check.ok() && check.body() != null) {
                            body.set("refused", check.body().path("refused"));
                        } else {
                            body.put("unchecked", "ingest could not say whether it may write into " + folder + ": "
                                    + check.error());
                        }
                        return body;
                    })
                    .onFailure(UpstreamException.class).recoverWithItem(e -> body.put("unchecked",
                            "ingest could not say whether it may write into " + folder + ": " + e.getMessage()))
                    .map(answer -> AdminRelay.respond(Upstreams.LEDGER, plan, b -> answer));
        });
    }

    /**
     * A run into a folder ingest refuses would fail every photo while the page said it started: asked
     * first, ingest's refusal is the answer (409, nothing started). When ingest cannot be asked, the
     * run goes ahead, and its report lists what failed.
     */
    @POST
    @Path("run")
    @Operation(summary = "Start an export run (ingest writes the files); 409 when there is nothing to run or ingest "
            + "refuses the folder")
    public Uni<Response> run() {
        Uni<Response> start = relay.relay(Upstreams.LEDGER, "POST", EXPORT + "/run", null);
        return upstreams.call(Upstreams.LEDGER, "GET", EXPORT, null).flatMap(settings -> {
            JsonNode path = settings.ok() && settings.body() != null ? settings.body().path("path") : null;
            if (path == null || !path.isTextual()) {
                return start;
            }
            return upstreams.call(Upstreams.INGEST, "GET", FOLDER_CHECK + AdminRelay.query(Map.of("path", path.asText())), null)
                    .flatMap(check -> {
                        JsonNode refused = check.ok() && check.body() != null ? check.body().path("refused") : null;
                        if (refused != null && refused.isTextual()) {
                            return Uni.createFrom().item(ErrorBody.response(Response.Status.CONFLICT,
                                    "not started: ingest refuses to write into " + path.asText() + ": " + refused.asText()));
                        }
                        return start;
                    })
                    .onFailure(UpstreamException.class).recoverWithUni(e -> start);
        });
    }
}
