package io.imgboard.ingest.rest;

import io.imgboard.support.ErrorBody;
import io.imgboard.ingest.rest.UploadResponse.FileResult;
import io.imgboard.ingest.service.RejectionReason;
import io.imgboard.ingest.service.Rejections;
import io.imgboard.ingest.service.UploadService;
import io.imgboard.ingest.service.UploadService.Incoming;
import io.imgboard.ingest.service.UploadService.Outcome;
import io.imgboard.telemetry.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Scope;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import io.imgboard.ingest.service.DeviceTokens;
import io.imgboard.ingest.service.LedgerClient;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
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

    /** The most SHA-256s one {@code POST /api/v1/uploads/check} may ask about. */
    static final int MAX_CHECK = 1000;

    private final UploadService uploads;
    private final Rejections rejections;
    private final LedgerClient ledger;
    private final DeviceTokens devices;
    private final java.nio.file.Path spoolDir;
    private final OpenTelemetry telemetry;
    private final int maxFiles;

    UploadResource(UploadService uploads, Rejections rejections, LedgerClient ledger, DeviceTokens devices,
                   @ConfigProperty(name = "quarkus.http.body.uploads-directory") String spoolDir, OpenTelemetry telemetry,
                   io.imgboard.ingest.config.UploadConfig config) {
        this.telemetry = telemetry;
        this.maxFiles = config.maxFiles();
        this.uploads = uploads;
        this.rejections = rejections;
        this.ledger = ledger;
        this.devices = devices;
        this.spoolDir = java.nio.file.Path.of(spoolDir);
    }

    public record CheckRequest(List<String> sha256) {
    }

    public record CheckResponse(List<String> known) {
    }

    @PUT
    @Path("/{filename}")
    @jakarta.ws.rs.Consumes(MediaType.WILDCARD)
    @Operation(summary = "Upload one image as the raw request body (iOS Shortcuts, scripts)",
            description = "An optional X-Content-SHA256 is checked against the bytes: on a mismatch nothing is kept. "
                    + "201 for a new image; 200 with the existing photo id when the bytes were stored before.")
    @APIResponse(responseCode = "201", description = "stored and announced",
            content = @Content(schema = @Schema(implementation = FileResult.class)))
    @APIResponse(responseCode = "200", description = "the same bytes were stored before (status duplicate, photoId "
            + "when the ledger knows it already, deleted true when that photo was deleted and stays so)", content = @Content(schema = @Schema(implementation = FileResult.class)))
    @APIResponse(responseCode = "400", description = "empty body, bad X-Content-SHA256 or a mismatch",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "body too large",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "415", description = "not an image, or not a supported one",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "S3 or Kafka unavailable; retrying is safe",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public RestResponse<FileResult> put(@PathParam("filename") String filename,
                                       @QueryParam("source") String source,
                                       @HeaderParam("X-Content-SHA256") String declaredSha256,
                                       @HeaderParam(Tracing.TRACEPARENT) String traceparent,
                                       @Context RoutingContext rc,
                                       InputStream body) {
        String sourceId;
        try {
            sourceId = UploadService.uploadSourceId(source);
        } catch (IllegalArgumentException e) {
            throw refuse(RejectionReason.BAD_REQUEST, e.getMessage());
        }
        if (declaredSha256 != null && !declaredSha256.strip().matches("[0-9a-fA-F]{64}")) {
            throw refuse(RejectionReason.BAD_REQUEST, "X-Content-SHA256 must be the 64 hex digits of the body's SHA-256");
        }
        String deviceId = RequestGate.principal(rc).deviceId();
        java.nio.file.Path spool = null;
        try {
            Files.createDirectories(spoolDir);
            spool = Files.createTempFile(spoolDir, "put-", ".upload");
            Files.copy(body, spool, StandardCopyOption.REPLACE_EXISTING);
            Outcome outcome;
            try (Scope traced = Tracing.serve(telemetry, "PUT /api/v1/uploads", traceparent)) {
                outcome = uploads.intake(new UploadService.Intake(sourceId, null, UploadService.clientFileName(filename), spool, deviceId, null,
                        null, null, UploadService.NonImages.REFUSE, declaredSha256));
            }
            countForDevice(deviceId, List.of(outcome));
            return switch (outcome.status()) {
                case CREATED -> RestResponse.status(RestResponse.Status.CREATED, result(outcome));
                case DUPLICATE -> RestResponse.ok(result(outcome));
                case FAILED -> throw new ApiException(503, outcome.error());
                case REJECTED, SKIPPED -> throw new ApiException(
                        outcome.rejection() == null ? 415 : outcome.rejection().status(), outcome.error());
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool the upload of " + filename, e);
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException e) {
                    io.quarkus.logging.Log.warnf("cannot delete spool file %s: %s", spool, e.toString());
                }
            }
        }
    }

    @POST
    @Path("/check")
    @Operation(summary = "Which of these SHA-256s img-board has already",
            description = "{\"sha256\":[up to 1000 hex digests]} → {\"known\":[...]}: a phone re-sending its roll "
                    + "asks once and sends only the rest. The ledger answers.")
    public CheckResponse check(CheckRequest request) {
        if (request == null || request.sha256() == null) {
            throw refuse(RejectionReason.BAD_REQUEST, "send {\"sha256\": [\"<64 hex digits>\", ...]}");
        }
        if (request.sha256().size() > MAX_CHECK) {
            throw refuse(RejectionReason.BAD_REQUEST, "at most " + MAX_CHECK + " SHA-256s per check, not "
                    + request.sha256().size());
        }
        List<String> shas = new ArrayList<>();
        for (String sha : request.sha256()) {
            if (sha == null || !sha.strip().matches("[0-9a-fA-F]{64}")) {
                throw refuse(RejectionReason.BAD_REQUEST, "not a SHA-256 (64 hex digits): " + sha);
            }
            shas.add(sha.strip().toLowerCase(Locale.ROOT));
        }
        if (shas.isEmpty()) {
            return new CheckResponse(List.of());
        }
        try {
            return new CheckResponse(ledger.known(shas));
        } catch (LedgerClient.LedgerUnavailableException e) {
            throw new ApiException(503, "cannot check now: the ledger is not reachable; try again later");
        }
    }

    private LedgerClient.KnownPhoto knownPhoto(String sha256) {
        try {
            return ledger.photo(sha256).orElse(null);
        } catch (LedgerClient.LedgerUnavailableException e) {
            return null; // the upload itself succeeded; the id is a convenience
        }
    }

    /** A file's result; for a duplicate, with the photo its bytes already are (one ledger question). */
    private FileResult result(Outcome outcome) {
        LedgerClient.KnownPhoto photo = outcome.status() == UploadService.Status.DUPLICATE ? knownPhoto(outcome.sha256()) : null;
        return new FileResult(outcome.name(), outcome.sha256(), outcome.size(), outcome.contentType(),
                outcome.status().name().toLowerCase(Locale.ROOT), photo == null ? null : photo.id(),
                photo != null && photo.deleted(), outcome.error(), photo == null ? null : photo.failure());
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload images", description = "Each file is stored once by content (SHA-256) and announced "
            + "on imgboard.files; the answer comes after S3 stored it and Kafka acknowledged the event.")
    @APIResponse(responseCode = "201", description = "every file was accepted (created or duplicate: a "
            + "duplicate names the photo it is, and deleted true when that photo was deleted and stays so)",
            content = @Content(schema = @Schema(implementation = UploadResponse.class)))
    @APIResponse(responseCode = "207", description = "some files were accepted and some not (rejected or failed): "
            + "each file's status says which; error counts them and names the first one not stored",
            content = @Content(schema = @Schema(implementation = UploadResponse.class)))
    @APIResponse(responseCode = "400", description = "no file part, more files than imgboard.upload.max-files (100), "
            + "every file empty, or an invalid source",
            content = @Content(schema = @Schema(implementation = UploadResponse.class)))
    @APIResponse(responseCode = "401", description = "missing or wrong token",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "body larger than imgboard.upload.max-size",
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
                    + "default <sha256[0:12]>/<file name>; a path sent goes under whose it is: <device>/<path> with a device "
                    + "token, upload/<path> with the shared upload or admin token") List<String> paths,
            @HeaderParam(Tracing.TRACEPARENT) String traceparent,
            @Context RoutingContext rc) {
        // The device is the one RequestGate admitted: its name is what the ledger keeps on the origin
        // and what the admin's photo search and the frames' device filter ask for.
        long spooled = RequestGate.millisSinceAdmitted(rc);
        RestResponse<UploadResponse> answer = uploadAs(RequestGate.principal(rc).deviceId(), files, source, paths,
                traceparent);
        // The body's part of an upload's time: read and spooled to disk before this method ran.
        io.quarkus.logging.Log.infof("timeline POST /api/v1/uploads of %d file(s): spooled=+%d answered=+%d ms",
                files == null ? 0 : files.size(), spooled, RequestGate.millisSinceAdmitted(rc));
        return answer;
    }

    /** {@link #upload} for a device (null: the shared upload or admin token). */
    RestResponse<UploadResponse> uploadAs(String deviceId, List<FileUpload> files, String source, List<String> paths,
                                          String traceparent) {
        String sourceId;
        try {
            sourceId = UploadService.uploadSourceId(source);
        } catch (IllegalArgumentException e) {
            throw refuse(RejectionReason.BAD_REQUEST, e.getMessage());
        }
        if (files == null || files.isEmpty()) {
            throw refuse(RejectionReason.BAD_REQUEST, "no file: send each image as a multipart/form-data part named \"file\"");
        }
        if (files.size() > maxFiles) {
            // before the first is stored: a refused request leaves no origin and sends no event
            throw refuse(RejectionReason.TOO_MANY_FILES, tooManyFiles(files.size() + " sent", maxFiles));
        }
        if (files.stream().anyMatch(file -> file.uploadedFile() == null)) {
            throw refuse(RejectionReason.BAD_REQUEST, NO_FILE_NAME);
        }
        List<Outcome> outcomes = new ArrayList<>(files.size());
        // One trace per request, continuing the client's traceparent: it follows each photo through Kafka.
        try (Scope traced = Tracing.serve(telemetry, "POST /api/v1/uploads", traceparent)) {
            for (int i = 0; i < files.size(); i++) {
                FileUpload file = files.get(i);
                String path = paths != null && i < paths.size() ? paths.get(i) : null;
                outcomes.add(uploads.accept(sourceId, deviceId, new Incoming(file.uploadedFile(), file.fileName(), path)));
            }
        }
        countForDevice(deviceId, outcomes);
        return answer(outcomes);
    }

    /**
     * A part named {@code file} without a filename is a form field to the multipart parser, not a file (curl's
     * {@code -F file=<photo.jpg} sends one): said in the sender's terms, before anything is stored.
     */
    static final String NO_FILE_NAME = "the part \"file\" has no filename, so it came as text, not as a file: send"
            + " each image as a file part with its name (curl -F file=@photo.jpg); nothing was kept";

    /** A device's upload count, as WebDAV keeps it: each file stored or recognised as stored before. */
    private void countForDevice(String deviceId, List<Outcome> outcomes) {
        if (deviceId == null) {
            return;
        }
        outcomes.stream().filter(o -> o.status() == UploadService.Status.CREATED || o.status() == UploadService.Status.DUPLICATE)
                .forEach(o -> devices.uploaded(deviceId));
    }

    /**
     * One result per file, and the request's status: 201 when every file was accepted, 207 (Multi-Status)
     * when some were and some not; else 503 when any failed (S3 or Kafka unavailable: the client should
     * retry); else the first refusal's status. A client that reads only the status still learns that not
     * everything was stored; whatever the status, it learns what became of each file.
     */
    private static final int MULTI_STATUS = 207;

    private RestResponse<UploadResponse> answer(List<Outcome> outcomes) {
        List<FileResult> results = new ArrayList<>(outcomes.size());
        Outcome firstFailed = null;
        Outcome firstRejected = null;
        boolean accepted = false;
        for (Outcome outcome : outcomes) {
            results.add(result(outcome));
            switch (outcome.status()) {
                case CREATED, DUPLICATE -> accepted = true;
                case FAILED -> firstFailed = firstFailed == null ? outcome : firstFailed;
                case REJECTED -> firstRejected = firstRejected == null ? outcome : firstRejected;
            }
        }
        Outcome firstNot = firstFailed != null ? firstFailed : firstRejected;
        if (accepted && firstNot == null) {
            return RestResponse.status(RestResponse.Status.CREATED, new UploadResponse(results, null, null));
        }
        if (accepted) {
            long notStored = outcomes.stream().filter(o -> o.status() == UploadService.Status.FAILED
                    || o.status() == UploadService.Status.REJECTED).count();
            String error = notStored + " of " + outcomes.size() + " files not stored, the first " + firstNot.name()
                    + ": " + firstNot.error();
            return RestResponse.ResponseBuilder.<UploadResponse>create(MULTI_STATUS, "Multi-Status")
                    .entity(new UploadResponse(results, error, MULTI_STATUS)).build();
        }
        int status = firstFailed != null ? 503 : firstRejected.rejection().status();
        String error = (firstFailed != null ? firstFailed : firstRejected).error();
        return RestResponse.status(RestResponse.Status.fromStatusCode(status), new UploadResponse(results, error, status));
    }

    @GET
    @Path("/rejections")
    @AdminOnly
    @Operation(summary = "Recent refused uploads, newest first", description = "Operator data: needs the token too.")
    public List<Rejections.Rejection> rejections() {
        return rejections.recent();
    }

    /**
     * The refusal of a body with more than {@code imgboard.upload.max-files} files, {@code sent} saying how
     * many it held: counted here, or only "more than N parts" when the parser stopped reading it
     * ({@link io.imgboard.ingest.config.FormPartsConfigSource}).
     */
    static String tooManyFiles(String sent, int maxFiles) {
        return "too many files in one upload: " + sent + ", at most " + maxFiles + " per request (imgboard.upload.max-files); "
                + "send them in several requests; nothing was kept";
    }

    private ApiException refuse(RejectionReason reason, String error) {
        rejections.record(reason, Rejections.REQUEST, error);
        return new ApiException(reason.status(), error);
    }
}
