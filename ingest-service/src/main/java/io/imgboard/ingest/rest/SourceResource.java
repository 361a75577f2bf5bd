package io.imgboard.ingest.rest;

import io.imgboard.support.ErrorBody;
import io.imgboard.ingest.service.ScanReport;
import io.imgboard.ingest.service.SourceService;
import io.imgboard.ingest.service.SourceService.SourceException;
import io.imgboard.ingest.service.SourceService.SourceView;
import io.imgboard.ingest.service.SourceSettings;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/**
 * {@code /api/v1/sources}: folder sources, for operators (the admin token, {@link AdminOnly}). Scans and simulations
 * run on a worker thread, never the event loop.
 */
@Path("/api/v1/sources")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "sources")
public class SourceResource {
    private final SourceService sources;

    SourceResource(SourceService sources) {
        this.sources = sources;
    }

    @GET
    @Operation(summary = "Every folder source with its state, last scan and current errors")
    public List<SourceView> list() {
        return sources.list();
    }

    @POST
    @Operation(summary = "Add a folder source", description = "{id, path, recursive, include, exclude, pollSeconds, "
            + "stableSeconds, afterImport: keep|archive|delete, archivePath, onDelete: retire|keep}")
    public RestResponse<SourceView> create(SourceSettings settings) {
        return RestResponse.status(RestResponse.Status.CREATED, sources.create(settings));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One folder source: settings, last scan time and duration, counts by outcome, current errors")
    public SourceView get(@PathParam("id") String id) {
        return sources.get(id).orElseThrow(() -> new SourceException(404, "no source " + id));
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Change a folder source (the id comes from the URL)")
    public SourceView update(@PathParam("id") String id,
                             SourceSettings settings) {
        return sources.update(id, settings);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a folder source: every file it holds is announced removed (its photos leave the frames"
            + " unless onDelete is keep); the files stay in the folder. 409 for a source from the configuration")
    public RestResponse<Void> delete(@PathParam("id") String id) {
        sources.delete(id);
        return RestResponse.noContent();
    }

    @POST
    @Path("/{id}/scan")
    @Operation(summary = "Scan now and answer what the scan did")
    public ScanReport scan(@PathParam("id") String id) {
        return sources.scan(id, false);
    }

    @POST
    @Path("/{id}/simulate")
    @Operation(summary = "What a scan would take, without side effects",
            description = "{discovered, new, duplicate, skipped: {reason: count}, failed}: reads and hashes the files a "
                    + "scan would take; stores, announces, moves and records nothing")
    public ScanReport simulate(@PathParam("id") String id) {
        return sources.scan(id, true);
    }

    @ServerExceptionMapper
    RestResponse<ErrorBody> refused(SourceException e) {
        return RestResponse.status(RestResponse.Status.fromStatusCode(e.status()), new ErrorBody(e.getMessage(), e.status()));
    }
}
