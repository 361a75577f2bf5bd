package io.imgboard.ingest.rest;

import io.imgboard.ingest.rest.UploadResponse.FileResult;
import io.imgboard.ingest.service.RejectionReason;
import io.imgboard.ingest.service.Rejections;
import io.imgboard.ingest.service.UploadService;
import io.imgboard.ingest.service.UploadService.Incoming;
import io.imgboard.ingest.service.UploadService.Outcome;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /api/v1/uploads}: images in, as multipart/form-data. The token and the size limit are
 * checked by {@link RequestGate} before the body is read; the parts are spooled to disk by Quarkus
 * and streamed from there.
 */
@Path("/api/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "uploads")
@SecurityScheme(securitySchemeName = UploadResource.SECURITY, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The upload token (IMGBOARD_UPLOAD_TOKEN)")
@SecurityRequirement(name = UploadResource.SECURITY)
public class UploadResource {
    static final String SECURITY = "uploadToken";

    private final UploadService uploads;
    private final Rejections rejections;

    UploadResource(UploadService uploads, Rejections rejections) {
        this.uploads = uploads;
        this.rejections = rejections;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload images", description = "Each file is stored once by content (SHA-256) and announced "
            + "on imgboard.files; the answer comes after S3 stored it and Kafka acknowledged the event.")
    @APIResponse(responseCode = "201", description = "at least one file was accepted (created or duplicate); the "
            + "others may be rejected or failed",
            content = @Content(schema = @Schema(implementation = UploadResponse.class)))
    @APIResponse(responseCode = "400", description = "no file part, every file empty, or an invalid source",
            content = @Content(schema = @Schema(implementation = UploadResponse.class)))
    @APIResponse(responseCode = "401", description = "missing or wrong token",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "body larger than quarkus.http.limits.max-body-size",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "415", description = "every file was refused as not an image (or not a supported one)",
            content = @Content(schema = @Schema(implementation = UploadResponse.class)))
    @APIResponse(responseCode = "503", description = "no file accepted and at least one failed because S3 or Kafka "
            + "was unavailable (status failed); retrying is safe",
            content = @Content(schema = @Schema(implementation = UploadResponse.class)))
    public RestResponse<UploadResponse> upload(
            @RestForm("file") @Schema(description = "one or more image files") List<FileUpload> files,
            @RestForm("source") @Schema(description = "short source name, [a-z0-9-]{1,40}; the event's source id is "
                    + "upload:<source>", defaultValue = "api") String source,
            @RestForm("path") @Schema(description = "the client's own name for each file, in the order of the files; "
                    + "default <sha256[0:12]>/<file name>") List<String> paths) {
        String sourceId;
        try {
            sourceId = UploadService.uploadSourceId(source);
        } catch (IllegalArgumentException e) {
            throw refuse(RejectionReason.BAD_REQUEST, e.getMessage());
        }
        if (files == null || files.isEmpty()) {
            throw refuse(RejectionReason.BAD_REQUEST, "no file: send each image as a multipart/form-data part named \"file\"");
        }
        List<Outcome> outcomes = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            FileUpload file = files.get(i);
            String path = paths != null && i < paths.size() ? paths.get(i) : null;
            outcomes.add(uploads.accept(sourceId, new Incoming(file.uploadedFile(), file.fileName(), path)));
        }
        return answer(outcomes);
    }

    /**
     * One result per file, and the request's status: 201 when any file was accepted; else 503 when
     * any failed (S3 or Kafka unavailable: the client should retry); else the first refusal's status.
     * Whatever the status, the client learns what became of each file.
     */
    private static RestResponse<UploadResponse> answer(List<Outcome> outcomes) {
        List<FileResult> results = new ArrayList<>(outcomes.size());
        Outcome firstFailed = null;
        Outcome firstRejected = null;
        boolean accepted = false;
        for (Outcome outcome : outcomes) {
            results.add(new FileResult(outcome.name(), outcome.sha256(), outcome.size(), outcome.contentType(),
                    outcome.status().name().toLowerCase(Locale.ROOT), outcome.error()));
            switch (outcome.status()) {
                case CREATED, DUPLICATE -> accepted = true;
                case FAILED -> firstFailed = firstFailed == null ? outcome : firstFailed;
                case REJECTED -> firstRejected = firstRejected == null ? outcome : firstRejected;
            }
        }
        if (accepted) {
            return RestResponse.status(RestResponse.Status.CREATED, new UploadResponse(results, null, null));
        }
        int status = firstFailed != null ? 503 : firstRejected.rejection().status();
        String error = (firstFailed != null ? firstFailed : firstRejected).error();
        return RestResponse.status(RestResponse.Status.fromStatusCode(status), new UploadResponse(results, error, status));
    }

    @GET
    @Path("/rejections")
    @Operation(summary = "Recent refused uploads, newest first", description = "Operator data: needs the token too.")
    public List<Rejections.Rejection> rejections() {
        return rejections.recent();
    }

    private ApiException refuse(RejectionReason reason, String error) {
        rejections.record(reason, Rejections.REQUEST, error);
        return new ApiException(reason.status(), error);
    }
}
