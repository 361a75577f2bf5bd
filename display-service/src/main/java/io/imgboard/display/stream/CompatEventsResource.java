package io.imgboard.display.stream;

import io.imgboard.display.config.DisplayConfig;
import io.imgboard.display.service.CompatFeed;
import io.imgboard.support.ErrorBody;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * img-board's {@code GET /api/events} (IMG-BOARD-API.md, section 3): {@code connected}, then
 * {@code add}/{@code remove} or {@code reshuffle}, and {@code config-update}, each with an id for
 * {@code Last-Event-ID}; a {@code : keepalive} comment at least every 15 s so proxies keep idle
 * streams open.
 */
@Path("/api/events")
@Tag(name = "img-board compatibility")
public class CompatEventsResource {
    static final Duration MAX_KEEPALIVE = Duration.ofSeconds(15);

    private final CompatFeed feed;
    private final FrameClients clients;
    private final DisplayConfig config;

    private final FrameStreams streams;

    CompatEventsResource(CompatFeed feed, FrameClients clients, DisplayConfig config, FrameStreams streams) {
        this.feed = feed;
        this.clients = clients;
        this.config = config;
        this.streams = streams;
    }

    /** {@code curl -I} and {@code wget --spider}: the stream's headers, no stream. */
    @HEAD
    public Response head() {
        return Response.ok().type(MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache")
                .header("Connection", "keep-alive").header("X-Accel-Buffering", "no").build();
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @ResponseHeader(name = "Cache-Control", value = "no-cache")
    @ResponseHeader(name = "Connection", value = "keep-alive")
    @ResponseHeader(name = "X-Accel-Buffering", value = "no")
    @Operation(summary = "img-board: connected, add/remove or reshuffle, config-update")
    public Multi<OutboundSseEvent> events(@Context Sse sse, @HeaderParam("Last-Event-ID") String lastEventId) {
        Duration keepalive = config.heartbeat().compareTo(MAX_KEEPALIVE) < 0 ? config.heartbeat() : MAX_KEEPALIVE;
        // Counted against imgboard.display.max-streams with /api/v1/events: every stream holds a file.
        if (!streams.admit(FrameClients.COMPAT)) {
            throw new WebApplicationException(Response.status(503).type(MediaType.APPLICATION_JSON)
                    .header("Retry-After", FrameStreams.retryAfterSeconds())
                    .entity(new ErrorBody(streams.refusal(), 503)).build());
        }
        AtomicBoolean counted = new AtomicBoolean(true);
        return Multi.createFrom().deferred(() -> {
            Multi<OutboundSseEvent> events = feed.follow(lastEventId, config.clientBuffer()).map(event -> {
                // No mediaType(): Quarkus would write it as a non-standard "content-type:" line.
                OutboundSseEvent.Builder builder = sse.newEventBuilder().name(event.name()).data(String.class, event.data());
                if (event.id() != null) {
                    builder.id(Long.toString(event.id()));
                }
                if ("connected".equals(event.name())) {
                    builder.reconnectDelay(config.reconnectDelay().toMillis());
                }
                return builder.build();
            });
            Multi<OutboundSseEvent> comments = Multi.createFrom().ticks().startingAfter(keepalive).every(keepalive)
                    .onOverflow().drop()
                    .map(tick -> sse.newEventBuilder().comment(" keepalive").build());
            return Multi.createBy().merging().streams(events, comments);
        })
                .onTermination().invoke(() -> {
                    if (counted.getAndSet(false)) {
                        clients.disconnected(FrameClients.COMPAT);
                    }
                });
    }
}
