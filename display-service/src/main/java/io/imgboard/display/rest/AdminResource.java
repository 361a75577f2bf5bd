package io.imgboard.display.rest;

import io.imgboard.display.service.LedgerFailure;
import io.imgboard.display.service.Rejections;
import io.imgboard.display.service.Upstreams;
import io.smallrye.mutiny.Uni;
import io.imgboard.support.ErrorBody;
import io.quarkus.logging.Log;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.util.List;

/** Queries behind the admin page, and its uploads; answered by asking the ledger and ingest server-side. Admin token only. */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class AdminResource {
    private final Upstreams upstreams;
    private final io.imgboard.display.service.UploadRefusals refusals;

    AdminResource(Upstreams upstreams, io.imgboard.display.service.UploadRefusals refusals) {
        this.upstreams = upstreams;
        this.refusals = refusals;
    }

    @GET
    @Path("failures")
    @Operation(summary = "Photos that could not be processed, from the ledger; 502 when the ledger cannot be asked")
    public Uni<List<LedgerFailure>> failures() {
        return upstreams.failures();
    }

    @GET
    @Path("rejections")
    @Operation(summary = "Uploads ingest rejected, and those the display refused itself (img-board's upload checks), newest "
            + "first; configured=false when no admin token is set; 502 when ingest cannot be asked")
    public Uni<Rejections> rejections() {
        return upstreams.rejections().map(refusals::withOwn);
    }

    /**
     * The admin page's uploads: any file ingest takes (JPEG, PNG, HEIC, AVIF, WebP, TIFF, GIF; ingest tells by
     * the bytes), sent on to ingest as source {@code upload:admin}; the answer is ingest's own, a result per file.
     * img-board's {@code /api/admin/upload} keeps its JPEG/PNG rule for its scripts.
     */
    @POST
    @Path("uploads")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload files (parts named file) through ingest; its answer: files[] with each one's status "
            + "(created, duplicate) or error")
    public Response upload(@RestForm("file") List<FileUpload> files, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (files == null || files.isEmpty()) {
            return ErrorBody.response(400, "no file: send the files as multipart parts named file");
        }
        Upstreams.Answer answer;
        try {
            answer = IngestUpload.send(upstreams, files, IngestUpload.ADMIN_SOURCE, authorization);
        } catch (IOException e) {
            return ErrorBody.response(500, "an uploaded file could not be read back: " + e.getMessage());
        } catch (RuntimeException e) {
            Log.warnf("admin upload: %s", e.getMessage());
            return ErrorBody.response(502, "the ingest service cannot be reached: nothing was stored");
        }
        if (answer.status() == 401 || answer.status() == 403 || answer.body() == null) {
            return ErrorBody.response(502, "the ingest service answered " + answer.status() + ": " + answer.error());
        }
        return Response.status(answer.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(answer.body()).build();
    }
}
