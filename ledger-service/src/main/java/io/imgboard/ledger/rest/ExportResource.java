package io.imgboard.ledger.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Export settings, a dry run, and a run (ingest writes the files). */
@Path("/api/v1/export")
@Produces(MediaType.APPLICATION_JSON)
public class ExportResource {
    /** The fields a PUT may carry: the components of {@link Exports.Settings}. */
    private static final List<String> FIELDS = Arrays.stream(Exports.Settings.class.getRecordComponents())
            .map(RecordComponent::getName).toList();

    private final Exports exports;
    private final ObjectMapper json;

    ExportResource(Exports exports, ObjectMapper json) {
        this.exports = exports;
        this.json = json;
    }

    /** The settings and the last run. */
    @GET
    public Map<String, Object> get() {
        return exports.summary();
    }

    /**
     * Replaces the settings. The body is read as a tree first: the service's Jackson ignores unknown
     * fields (events are additive), and here a misspelt or foreign field would otherwise read as "no
     * path" and switch the export off; so unknown fields are a 400 that names them, and nothing changes.
     */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Exports.Settings put(@RequestBody(content = @Content(schema = @Schema(implementation = Exports.Settings.class)))
                                ObjectNode body) throws JsonProcessingException {
        if (body != null) {
            Set<String> unknown = new TreeSet<>();
            body.fieldNames().forEachRemaining(name -> {
                if (!FIELDS.contains(name)) {
                    unknown.add(name);
                }
            });
            if (!unknown.isEmpty()) {
                throw new BadRequestException("unknown field" + (unknown.size() > 1 ? "s " : " ")
                        + unknown.stream().map(name -> "\"" + name + "\"").collect(Collectors.joining(", "))
                        + "; the export settings are " + String.join(", ", FIELDS) + "; nothing was changed");
            }
        }
        Exports.Settings settings = body == null ? null : json.treeToValue(body, Exports.Settings.class);
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
