package io.imgboard.display.rest;

import io.imgboard.display.service.LedgerStats;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.service.ServiceHealth;
import io.imgboard.display.service.Upstreams;
import io.imgboard.display.stream.FrameClients;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/** Read-only queries behind the ops page. Admin token only. */
@Path("/api/v1/ops")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "ops")
@AdminOnly
public class OpsResource {
    static final String DISPLAY = "display";

    private final Upstreams upstreams;
    private final SmallRyeHealthReporter health;
    private final Playlist playlist;
    private final FrameClients clients;

    OpsResource(Upstreams upstreams, SmallRyeHealthReporter health, Playlist playlist, FrameClients clients) {
        this.upstreams = upstreams;
        this.health = health;
        this.playlist = playlist;
        this.clients = clients;
    }

    /** What the display itself knows, for both pages. */
    public record DisplayStatus(int photos, int clients, boolean catalogLoaded) {
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
}
