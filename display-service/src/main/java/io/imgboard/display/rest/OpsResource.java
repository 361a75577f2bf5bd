package io.imgboard.display.rest;

import io.imgboard.support.ErrorBody;
import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.messaging.ConsumerLag;
import io.imgboard.display.service.LedgerStats;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.service.ServiceHealth;
import io.imgboard.display.service.Upstreams;
import io.imgboard.display.service.ops.ServiceVersions;
import io.imgboard.display.service.ops.Supervision;
import io.imgboard.display.service.ops.Throughput;
import io.imgboard.display.stream.FrameClients;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The queries behind the ops page, and the one repair it offers (replaying a dead letter). Admin token only. */
@Path("/api/v1/ops")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "ops")
@AdminOnly
public class OpsResource {
    static final String DISPLAY = "display";
    /** Dead letters the page lists (the ledger's newest first); the count gauge looks further. */
    static final int DEAD_LETTERS_SHOWN = 100;
    /** Skipped files the ops page lists (the newest; the total is given too). */
    static final int SKIPPED_SHOWN = 100;

    private final Upstreams upstreams;
    private final SmallRyeHealthReporter health;
    private final Playlist playlist;
    private final FrameClients clients;
    private final ConsumerLag lag;
    private final Throughput throughput;
    private final Supervision supervision;
    private final ServiceVersions versions;

    OpsResource(Upstreams upstreams, SmallRyeHealthReporter health, Playlist playlist, FrameClients clients,
                ConsumerLag lag, Throughput throughput, Supervision supervision, ServiceVersions versions) {
        this.upstreams = upstreams;
        this.health = health;
        this.playlist = playlist;
        this.clients = clients;
        this.lag = lag;
        this.throughput = throughput;
        this.supervision = supervision;
        this.versions = versions;
    }

    /** What the display itself knows, for both pages. */
    public record DisplayStatus(int photos, int clients, boolean catalogLoaded) {
    }

    /** One service's version and, under {@code ./imgboard up}, its supervised process (restarts, last exit). */
    public record ServiceStatus(String name, String version, Supervision.Process process) {
    }

    /**
     * Every service, and the supervisor's view when there is one ({@code supervised} false: not
     * started by {@code ./imgboard up}, so restarts are unknown here). Health is {@code /health}'s.
     */
    public record Services(List<ServiceStatus> services, boolean supervised, String supervisor, String statusError,
                           List<Supervision.Process> infrastructure) {
    }

    /** Open frame streams: the total, and per frame name ({@code /api/events} for img-board's frames). */
    public record Frames(int total, Map<String, Integer> byFrame) {
    }

    @GET
    @Path("health")
    @Operation(summary = "/q/health of ingest, ledger, preprocessor and this display; unreachable is a status, not an error")
    public Uni<ServiceHealth.Report> health(@Context UriInfo uri) {
        String selfUrl = uri.getBaseUriBuilder().path("q/health").build().toString();
        // This display's own checks in-process: its port and host as seen from inside may differ from outside.
        Uni<ServiceHealth> self = health.getHealthAsync()
                .map(report -> upstreams.healthReport(DISPLAY, selfUrl, report.isDown() ? 503 : 200,
                        report.getPayload().toString()));
        return Uni.combine().all().unis(self, upstreams.othersHealth()).asTuple()
                .map(both -> {
                    List<ServiceHealth> services = new ArrayList<>(both.getItem2());
                    services.add(both.getItem1());
                    return new ServiceHealth.Report(services);
                });
    }

    @GET
    @Path("services")
    @Operation(summary = "Each service's version, and its restarts and last exit from ./imgboard up's supervisor "
            + "(IMGBOARD_STATUS_FILE; absent: not supervised)")
    public Services services() {
        // A worker thread (plain return type): the version look-ups may wait for a neighbour.
        Map<String, String> version = versions.all();
        Supervision.Status status = supervision.read();
        List<ServiceStatus> services = version.entrySet().stream().map(v -> new ServiceStatus(v.getKey(), v.getValue(),
                status.process(v.getKey() + "-service").or(() -> status.process(v.getKey())).orElse(null))).toList();
        List<Supervision.Process> infrastructure = status.processes().stream()
                .filter(p -> !"service".equals(p.kind())).toList();
        return new Services(services, status.supervised(), status.state(), status.error(), infrastructure);
    }

    @GET
    @Path("stats")
    @Operation(summary = "The ledger's counters; 502 when the ledger cannot be asked")
    public Uni<LedgerStats> stats() {
        return upstreams.stats();
    }

    @GET
    @Path("display")
    @Operation(summary = "Photos in this display's playlist and open SSE streams")
    public DisplayStatus display() {
        return new DisplayStatus(playlist.size(), clients.count(), playlist.isLoaded());
    }

    @GET
    @Path("frames")
    @Operation(summary = "Frames connected to this display: the total and per frame name")
    public Frames frames() {
        return new Frames(clients.count(), clients.byFrame());
    }

    @GET
    @Path("lag")
    @Operation(summary = "Kafka consumer lag per group and topic (committed offsets against end offsets; a few seconds old at most)")
    public ConsumerLag.Report lag() {
        return lag.report();
    }

    @GET
    @Path("throughput")
    @Operation(summary = "Uploads, files found, processed and failed per minute: the last ten minutes at each read "
            + "of the services' /q/metrics, and the last hour by minute")
    public Throughput.Report throughput() {
        return throughput.report();
    }

    @GET
    @Path("sources")
    @Operation(summary = "Ingest's folder sources with their state, last scan and errors; 502 when ingest cannot be asked")
    public Uni<Response> sources() {
        return upstreams.call(Upstreams.INGEST, "GET", "/api/v1/sources", null)
                .map(answer -> relay(Upstreams.INGEST, answer, false));
    }

    @GET
    @Path("dead-letters")
    @Operation(summary = "The ledger's newest dead letters (every service's poison records) with their errors")
    public Uni<Response> deadLetters() {
        return upstreams.call(Upstreams.LEDGER, "GET", "/api/v1/dead-letters?limit=" + DEAD_LETTERS_SHOWN, null)
                .map(answer -> relay(Upstreams.LEDGER, answer, false));
    }

    @GET
    @Path("skipped")
    @Operation(summary = "The newest files sources left out on purpose (not an image, a sidecar, ...) with their reason, "
            + "and how many there are; 502 when the ledger cannot be asked")
    public Uni<Response> skipped() {
        return upstreams.call(Upstreams.LEDGER, "GET", "/api/v1/skipped?limit=" + SKIPPED_SHOWN, null)
                .map(answer -> relay(Upstreams.LEDGER, answer, false));
    }

    @POST
    @Path("dead-letters/{id}/replay")
    @Operation(summary = "Publish a dead letter again to its original topic (through the ledger); 404 unknown, 409 not replayable")
    public Uni<Response> replay(@PathParam("id") String id) {
        if (!id.matches("[0-9]{1,18}")) {
            return Uni.createFrom().item(ErrorBody.response(Response.Status.BAD_REQUEST,
                    "not a dead letter id: " + (id.length() > 40 ? id.substring(0, 40) + "…" : id)));
        }
        return upstreams.call(Upstreams.LEDGER, "POST", "/api/v1/dead-letters/" + id + "/replay", null)
                .map(answer -> relay(Upstreams.LEDGER, answer, true));
    }

    /**
     * A neighbour's answer for the page: its body when it succeeded; for a replay also its 404 and
     * 409, which are about the dead letter; anything else is the neighbour's trouble, so 502 naming it.
     */
    private static Response relay(String service, Upstreams.Answer answer, boolean passClientErrors) {
        if (answer.ok()) {
            JsonNode body = answer.body();
            return Response.status(answer.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(body == null ? "null" : body.toString()).build();
        }
        if (passClientErrors && (answer.status() == 404 || answer.status() == 409)) {
            return ErrorBody.response(answer.status(), answer.error());
        }
        String why = answer.status() == 401 || answer.status() == 403
                ? service + " refused the display's credential (HTTP " + answer.status() + ")"
                : service + " answered HTTP " + answer.status() + (answer.error().startsWith("HTTP ") ? "" : " (" + answer.error() + ")");
        return ErrorBody.response(Response.Status.BAD_GATEWAY, why);
    }
}
