package io.imgboard.display.stream;

import io.imgboard.display.config.DisplayConfig;
import io.imgboard.display.service.CompatFeed;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.vertx.MutinyHelper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Flow.Subscription;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * img-board's {@code GET /api/events} (IMG-BOARD-API.md, section 3): {@code connected}, then
 * {@code add}/{@code remove} or {@code reshuffle}, and {@code config-update}, each with an id for
 * {@code Last-Event-ID}; a {@code : keepalive} comment at least every 15 s so proxies keep idle
 * streams open.
 *
 * <p>Written as the contract shows it, byte for byte ({@code event: add}, {@code data: {…}}, a space
 * after each colon), on a route of its own: Quarkus REST's SSE writer leaves the space out, which
 * {@code EventSource} forgives but a script reading {@code data: } lines does not. Events are
 * written while the socket takes them; a frame that stops reading lets {@link CompatFeed}'s buffer fill,
 * and its stream is then closed (it reconnects and resumes with {@code Last-Event-ID}).
 */
@ApplicationScoped
@Path(CompatEventsResource.PATH)
@Tag(name = "img-board compatibility")
public class CompatEventsResource {
    static final String PATH = "/api/events";
    static final Duration MAX_KEEPALIVE = Duration.ofSeconds(15);

    private final CompatFeed feed;
    private final DisplayConfig config;
    private final FrameStreams streams;

    CompatEventsResource(CompatFeed feed, DisplayConfig config, FrameStreams streams) {
        this.feed = feed;
        this.config = config;
        this.streams = streams;
    }

    void install(@Observes Router router) {
        router.get(PATH).handler(this::open);
    }

    /** {@code curl -I} and {@code wget --spider}: the stream's headers, no stream. */
    @HEAD
    public Response head() {
        return Response.ok().type(MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache")
                .header("Connection", "keep-alive").header("X-Accel-Buffering", "no").build();
    }

    /** One event as section 3 frames it; the id and the reconnect delay are the allowed additions. */
    static String frame(CompatFeed.Event event, long retryMs) {
        StringBuilder out = new StringBuilder(event.data().length() + 48);
        if (event.id() != null) {
            out.append("id: ").append(event.id()).append('\n');
        }
        if ("connected".equals(event.name())) {
            out.append("retry: ").append(retryMs).append('\n');
        }
        return out.append("event: ").append(event.name()).append('\n')
                .append("data: ").append(event.data()).append("\n\n").toString();
    }

    private void open(RoutingContext context) {
        HttpServerResponse response = context.response();
        // Counted against imgboard.display.max-streams and -per-address with /api/v1/events: every stream holds a file.
        String address = streams.addressOf(context.request());
        FrameStreams.Refusal refusal = streams.admit(FrameClients.COMPAT, address);
        if (refusal != null) {
            streams.refuse(response, refusal);
            return;
        }
        AtomicBoolean counted = new AtomicBoolean(true);
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Connection", "keep-alive")
                .putHeader("X-Accel-Buffering", "no");
        Duration keepalive = config.heartbeat().compareTo(MAX_KEEPALIVE) < 0 ? config.heartbeat() : MAX_KEEPALIVE;
        long retryMs = config.reconnectDelay().toMillis();
        Multi<String> events = feed.follow(context.request().getHeader("Last-Event-ID"), config.clientBuffer())
                .map(event -> frame(event, retryMs));
        Multi<String> comments = Multi.createFrom().ticks().startingAfter(keepalive).every(keepalive)
                .onOverflow().drop().map(tick -> ": keepalive\n\n");
        AtomicReference<Subscription> upstream = new AtomicReference<>();
        Multi.createBy().merging().streams(events, comments)
                .map(piece -> Buffer.buffer(piece.getBytes(StandardCharsets.UTF_8)))
                .onSubscription().invoke(upstream::set)
                .onTermination().invoke(() -> { // completed, failed or cancelled: the stream's slot is free
                    if (counted.getAndSet(false)) {
                        streams.released(FrameClients.COMPAT, address);
                    }
                })
                // Mutiny's bridge to a Vert.x write stream: asks for more while the socket takes it.
                .subscribe().withSubscriber(MutinyHelper.toSubscriber(response).onFailure(failure -> {
                    // The frame fell too far behind (the feed's buffer overflowed) or the feed failed: it reconnects.
                    Log.debugf("img-board event stream ended: %s", failure.toString());
                    if (!response.ended() && !response.closed()) {
                        response.end();
                    }
                }));
        // A frame that hangs up between events: stop following the feed at once, not at the next write.
        response.closeHandler(ignored -> {
            Subscription subscription = upstream.get();
            if (subscription != null) {
                subscription.cancel();
            }
        });
    }
}
