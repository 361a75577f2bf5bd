package io.imgboard.display.rest;

import io.imgboard.display.service.Upstreams;
import io.imgboard.support.ErrorBody;
import io.quarkus.logging.Log;
import jakarta.ws.rs.Consumes;
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

/**
 * The admin page's uploads: any file ingest takes (JPEG, PNG, HEIC, AVIF, WebP, TIFF, GIF; ingest tells by the
 * bytes), sent on to ingest as source {@code upload:admin}; the answer is ingest's own, a result per file.
 * img-board's {@code /api/admin/upload} keeps its JPEG/PNG rule for its scripts.
 */
@Path("/api/v1/admin/uploads")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class AdminUploadsResource {
    private final Upstreams upstreams;

    AdminUploadsResource(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    @POST
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
