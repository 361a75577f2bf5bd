package io.imgboard.ingest.rest;

import io.imgboard.ingest.export.ExportWriter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Whether ingest would write an export into a folder, for the admin page's Simulate (the display asks,
 * with the admin token): the ledger plans an export, but the folder rule is ingest's ({@link ExportWriter}),
 * so a dry run asks here rather than keep a second copy of it.
 */
@Path("/api/v1/export/folder")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "export")
public class ExportFolderResource {
    /** {@code refused}: the words every photo's export into {@code folder} would fail with, or null. */
    public record Check(String folder, String refused) {
    }

    private final ExportWriter writer;

    ExportFolderResource(ExportWriter writer) {
        this.writer = writer;
    }

    @GET
    @Operation(summary = "Whether an export into ?path= would be refused for every photo, and why; creates nothing")
    public Check check(@QueryParam("path") String path) {
        return new Check(path, writer.refusal(path).orElse(null));
    }
}
