package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgboard.display.service.CompatConfig;
import io.imgboard.display.service.LedgerStats;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.service.Upstreams;
import io.quarkus.logging.Log;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import jakarta.ws.rs.Consumes;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * img-board's admin routes (IMG-BOARD-API.md sections 2, 4–6), for its scripts and admin page:
 * settings, stats, reprocessing and uploads, answered from the frame settings, the ledger and ingest.
 * The {@code /api/admin/*} routes are only for the admin token or an allowed network
 * ({@link AdminAccess#checkBeforeRouting}); everyone else gets 403 {@code Access denied}. The page routes
 * ({@code /admin}, {@code /admin.html}) are open: see {@link #admin()}.
 */
@Path("/")
@Tag(name = "img-board compatibility")
public class CompatAdminResource {
    static final int MAX_CONFIG_BYTES = 100 * 1024;
    static final int MAX_FILES = 10;
    static final long MAX_FILE_BYTES = 52_428_800;
    private static final Pattern UNSAFE_SAVED = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Duration LEDGER_WAIT = Duration.ofSeconds(10);

    private final CompatConfig config;
    private final Upstreams upstreams;
    private final Playlist playlist;
    private final ObjectMapper json;

    private final io.imgboard.display.service.UploadRefusals refusals;

    CompatAdminResource(CompatConfig config, Upstreams upstreams, Playlist playlist, ObjectMapper json,
                        io.imgboard.display.service.UploadRefusals refusals) {
        this.refusals = refusals;
        this.config = config;
        this.upstreams = upstreams;
        this.playlist = playlist;
        this.json = json;
    }

    @GET
    @Path("api/admin/config")
    @Operation(summary = "img-board: the config document")
    public Response getConfig() {
        try {
            return Compat.ok(config.document());
        } catch (CompatConfig.Unavailable e) {
            Log.warnf("config document: %s", e.getMessage());
            return Compat.error(Response.Status.SERVICE_UNAVAILABLE, "Configuration unavailable");
        }
    }

    @HEAD
    @Path("api/admin/config")
    public Response headConfig() {
        return Compat.head(getConfig());
    }

    @POST
    @Path("api/admin/config")
    @Operation(summary = "img-board: deep-merge a partial config document, validate, apply and persist")
    public Response postConfig(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body) {
        if (!isJson(contentType)) {
            return Compat.error(415, "Content-Type must be application/json");
        }
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : body.readNBytes(MAX_CONFIG_BYTES + 1);
        } catch (IOException e) {
            return Compat.error(400, "The request body could not be read");
        }
        if (bytes.length > MAX_CONFIG_BYTES) {
            return Compat.error(413, "Request body too large");
        }
        JsonNode patch;
        try {
            patch = json.readTree(bytes);
        } catch (IOException e) {
            return Compat.error(400, "Malformed JSON body");
        }
        if (patch == null || patch.isMissingNode()) {
            return Compat.error(400, "Malformed JSON body");
        }
        if (!patch.isObject()) {
            return Compat.error(400, "Request body must be a JSON object");
        }
        try {
            CompatConfig.Outcome outcome = config.update((ObjectNode) patch);
            return Compat.ok(Compat.object().put("success", true).put("reprocessing", outcome.reprocessing()));
        } catch (CompatConfig.Rejected e) {
            return Compat.error(e.status(), e.getMessage());
        } catch (CompatConfig.Unavailable e) {
            Log.warnf("config update failed: %s", e.getMessage());
            ObjectNode error = Compat.object().put("error", "Failed to update configuration")
                    .put("details", oneLine(e.getMessage()));
            return Compat.json(500, error);
        }
    }

    @GET
    @Path("api/admin/stats")
    @Operation(summary = "img-board: {raw, processed, timestamp}")
    public Response stats() {
        LedgerStats stats;
        try {
            stats = upstreams.stats().await().atMost(LEDGER_WAIT);
        } catch (RuntimeException e) {
            Log.warnf("stats: %s", e.getMessage());
            return Compat.error(Response.Status.SERVICE_UNAVAILABLE, "Stats unavailable");
        }
        return Compat.ok(Compat.object()
                .put("raw", stats.pending() + stats.failed())
                .put("processed", playlist.size())
                .put("timestamp", Instant.now().toEpochMilli()));
    }

    @HEAD
    @Path("api/admin/stats")
    public Response headStats() {
        return Compat.head(stats());
    }

    @POST
    @Path("api/admin/reprocess")
    @Operation(summary = "img-board: start reprocessing every photo (ledger job); 409 while one runs")
    public Response reprocess() {
        Upstreams.Answer answer;
        try {
            answer = upstreams.reprocess("all").await().atMost(LEDGER_WAIT);
        } catch (RuntimeException e) {
            Log.warnf("reprocess: %s", e.getMessage());
            return Compat.error(Response.Status.SERVICE_UNAVAILABLE, "Reprocessing unavailable: the ledger cannot be reached");
        }
        if (answer.status() == 409) {
            return Compat.error(409, "Reprocessing already in progress");
        }
        if (!answer.ok()) {
            Log.warnf("reprocess: the ledger answered %s", answer.error());
            return Compat.error(Response.Status.SERVICE_UNAVAILABLE, "Reprocessing unavailable: " + answer.error());
        }
        return Compat.ok(Compat.object().put("status", "triggered")
                .put("message", "Reprocessing started. Use /api/admin/reprocess-status to monitor."));
    }

    @GET
    @Path("api/admin/reprocess-status")
    @Operation(summary = "img-board: {active, completed, failed, total, timestamp} of the ledger's current job")
    public Response reprocessStatus() {
        Upstreams.Answer answer;
        try {
            answer = upstreams.currentJob().await().atMost(LEDGER_WAIT);
        } catch (RuntimeException e) {
            Log.warnf("reprocess status: %s", e.getMessage());
            return Compat.error(Response.Status.SERVICE_UNAVAILABLE, "Reprocess status unavailable");
        }
        if (answer.status() == 404) {
            return Compat.ok(Compat.object().put("active", false));
        }
        if (!answer.ok() || answer.body() == null) {
            return Compat.error(Response.Status.SERVICE_UNAVAILABLE, "Reprocess status unavailable");
        }
        return Compat.ok(status(answer.body()));
    }

    @HEAD
    @Path("api/admin/reprocess-status")
    public Response headReprocessStatus() {
        return Compat.head(reprocessStatus());
    }

    /** The ledger's job as img-board's status; a finished run adds its counts, clients key on {@code active}. */
    static ObjectNode status(JsonNode job) {
        String state = job.path("state").asText("none");
        ObjectNode status = Compat.object().put("active", "running".equals(state));
        if ("none".equals(state)) {
            return status;
        }
        status.put("completed", job.path("done").asLong()).put("failed", job.path("failed").asLong())
                .put("total", job.path("total").asLong());
        Instant at = instant(job.path("updatedAt").asText(null));
        if (at == null) {
            at = instant(job.path("startedAt").asText(null));
        }
        status.put("timestamp", (at == null ? Instant.now() : at).toEpochMilli());
        if (job.hasNonNull("etaSeconds")) {
            status.put("etaSeconds", job.get("etaSeconds").asLong());
        }
        return status;
    }

    /**
     * img-board's {@code /admin}: 302 to {@code /admin.html}, for every caller. Unlike img-board's
     * (IMG-BOARD-API.md lists 403 for a refused caller), the page is not protected: a browser cannot
     * send the admin token when it navigates, so a protected page would stay 403 for everyone outside
     * the allowed networks, token or not. The page is a shell with a sign-in; every route it reads or
     * changes ({@code /api/admin/*}, {@code /api/v1/admin/*}) checks the token or the network (B8).
     */
    @GET
    @Path("admin")
    @Operation(hidden = true)
    public Response admin() {
        // as img-board answered: the path alone (location(URI) would make it absolute from the Host header,
        // the wrong scheme behind a TLS proxy)
        return Response.status(Response.Status.FOUND).header(HttpHeaders.LOCATION, "/admin.html").build();
    }

    @HEAD
    @Path("admin")
    public Response adminHead() {
        return admin();
    }

    /** The admin page (the same file as {@code /admin/}), for every caller; see {@link #admin()}. */
    @GET
    @Path("admin.html")
    @Operation(hidden = true)
    public Response adminPage() {
        byte[] page;
        try (InputStream in = CompatAdminResource.class.getResourceAsStream("/META-INF/resources/admin/index.html")) {
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("the admin page could not be read from the service's own resources", e);
        }
        return Response.ok(page, MediaType.TEXT_HTML + ";charset=UTF-8").header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @HEAD
    @Path("admin.html")
    public Response adminPageHead() {
        return Compat.head(adminPage());
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip();
        return type.equalsIgnoreCase("application/json");
    }

    private static String oneLine(String text) {
        return text == null ? "unknown" : text.replaceAll("\\s+", " ").strip();
    }

    @POST
    @Path("api/admin/upload")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "img-board: upload up to 10 JPEG/PNG files (parts named images); count, size, extension and type "
            + "are checked on all before any is kept, then ingest checks each file's content: uploaded lists the kept files, "
            + "refused the others with the reason")
    public Response upload(@RestForm("images") List<FileUpload> images,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        List<FileUpload> files = images == null ? List.of() : images;
        Optional<Refusal> refused = uploadRefusal(files);
        if (refused.isPresent()) {
            String names = String.join(", ", files.stream().map(file -> IngestUpload.basename(file.fileName())).toList());
            refusals.record(names.isEmpty() ? "(request)" : names.length() > 200 ? names.substring(0, 200) + "…" : names,
                    "img-board upload: " + refused.get().error(), refused.get().status());
            return Compat.error(refused.get().status(), refused.get().error());
        }
        List<String> originals = files.stream().map(file -> IngestUpload.basename(file.fileName())).toList();
        Upstreams.Answer answer;
        try {
            answer = IngestUpload.send(upstreams, files, IngestUpload.ADMIN_SOURCE, authorization);
        } catch (IOException e) {
            return Compat.error(400, "An uploaded file could not be read back: " + e.getMessage());
        } catch (RuntimeException e) {
            Log.warnf("upload: %s", e.getMessage());
            return Compat.error(Response.Status.BAD_GATEWAY, "Upload failed: the ingest service cannot be reached");
        }
        if (answer.status() == 401 || answer.status() == 403) {
            return Compat.error(Response.Status.BAD_GATEWAY, "Upload failed: the ingest service refused the admin token");
        }
        if (answer.status() == 413) {
            return Compat.error(413, "File too large (max 50MB)");
        }
        JsonNode results = answer.body() == null ? null : answer.body().get("files");
        if (results == null || !results.isArray() || results.size() != files.size()) {
            if (!answer.ok()) {
                // 400 only for what is wrong with the request; ingest failing or holding this address back (429) is not
                return Compat.error(answer.status() >= 500 || answer.status() == 429 ? 502 : 400, answer.error());
            }
            Log.warnf("upload: ingest answered %d without a result per file", answer.status());
            return Compat.error(Response.Status.BAD_GATEWAY, "Upload failed: the ingest service did not say what became of each file");
        }
        return uploadAnswer(files, originals, results, System.currentTimeMillis());
    }

    /**
     * img-board's answer from ingest's result per file, honest about each. Section 2.1's checks ran on
     * every file before any was sent, so a request they refuse keeps nothing. Ingest then looks inside
     * each file (is it really a JPEG or PNG, can it be decoded); a file it refuses is reported in
     * {@code refused} with the reason and the others are kept, as img-board kept every file of a
     * request and failed a bad one later, alone, when processing it. {@code uploaded} lists only the
     * kept files (a duplicate too: it is kept, once). 200 when any file was kept; otherwise 400 for
     * files refused for their content, 502 when ingest could not store them (S3 or Kafka down).
     */
    static Response uploadAnswer(List<FileUpload> files, List<String> originals, JsonNode results, long now) {
        ArrayNode uploaded = Compat.object().arrayNode();
        ArrayNode refused = Compat.object().arrayNode();
        boolean unavailable = false;
        for (int i = 0; i < files.size(); i++) {
            JsonNode result = results.get(i);
            String status = result.path("status").asText("");
            String original = originals.get(i);
            if (status.equals("created") || status.equals("duplicate")) {
                uploaded.addObject().put("original", original)
                        .put("saved", now + "-" + UNSAFE_SAVED.matcher(original).replaceAll("_"))
                        .put("size", files.get(i).size());
            } else {
                unavailable |= status.equals("failed");
                String reason = result.path("error").asText("");
                refused.addObject().put("original", original).put("status", status)
                        .put("error", reason.isBlank() ? (status.equals("failed") ? "it could not be stored; send it again later"
                                : "it is not an image that can be shown") : reason);
            }
        }
        if (uploaded.isEmpty()) {
            String error = refused.size() == 1 ? refused.get(0).get("error").asText()
                    : "No file was kept: " + describe(refused);
            ObjectNode body = Compat.object().put("error", error);
            body.set("refused", refused);
            body.set("files", results);
            return Compat.json(unavailable ? 502 : 400, body);
        }
        ObjectNode result = Compat.object().put("success", true);
        result.set("uploaded", uploaded);
        result.put("message", uploaded.size() + " file(s) uploaded. Processing will begin shortly."
                + (refused.isEmpty() ? "" : " " + refused.size() + " file(s) not kept: " + describe(refused) + "."));
        result.set("refused", refused);
        // Each file's outcome at ingest (created / duplicate / rejected / failed, with the reason).
        result.set("files", results);
        return Compat.ok(result);
    }

    private static String describe(ArrayNode refused) {
        List<String> each = new ArrayList<>();
        refused.forEach(r -> each.add(r.get("original").asText() + " (" + r.get("error").asText() + ")"));
        return String.join("; ", each);
    }

    /** Why an upload is refused: img-board's status and words. */
    record Refusal(int status, String error) {
    }

    /** Section 2.1's checks, each over every file, in the table's order; the first failure refuses the request. */
    static Optional<Refusal> uploadRefusal(List<FileUpload> files) {
        if (files.isEmpty()) {
            return Optional.of(new Refusal(400, "No files uploaded"));
        }
        if (files.size() > MAX_FILES) {
            return Optional.of(new Refusal(400, "Too many files (max " + MAX_FILES + ")"));
        }
        for (FileUpload file : files) {
            if (file.size() > MAX_FILE_BYTES) {
                return Optional.of(new Refusal(413, "File too large (max 50MB)"));
            }
        }
        for (FileUpload file : files) {
            String name = IngestUpload.basename(file.fileName());
            int dot = name.lastIndexOf('.');
            String extension = dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
            if (!CompatConfig.INPUT_EXTENSIONS.contains(extension)) {
                return Optional.of(new Refusal(400, "Invalid extension: " + (extension.isEmpty() ? "(none)" : extension)));
            }
        }
        for (FileUpload file : files) {
            String type = file.contentType() == null ? "" : file.contentType().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!CompatConfig.INPUT_TYPES.contains(type)) {
                return Optional.of(new Refusal(400, "Invalid MIME type: " + (type.isEmpty() ? "(none)" : type)));
            }
        }
        return Optional.empty();
    }
}
