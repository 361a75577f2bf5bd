package io.imgboard.display.stream;

import io.imgboard.display.config.DisplayConfig;
import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.PhotoView;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.service.PlaylistEvent;
import io.imgboard.display.service.PlaylistView;
import io.imgboard.display.service.Settings;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live playlist for frames, as server-sent events ({@code text/event-stream}):
 *
 * <pre>
 * id:41
 * event:playlist           first on every connection (and reconnection): {"photos":[…]}, newest first
 * retry:5000
 * data:{"photos":[…]}
 *
 * id:42
 * event:add                a new or changed photo (same photoId: replace it): {"photoId":…,"url":…,…}
 * data:{…}
 *
 * id:43
 * event:remove             a retired photo: {"photoId":"…"}
 * data:{…}
 *
 * event:settings           the frame settings, right after the playlist and whenever they change (no id: not playlist state)
 * data:{"intervalMs":5000,"order":"shuffle","transition":"crossfade",…}
 *
 * id:43
 * event:ping               every imgboard.display.heartbeat: {"at":"…","intervalSeconds":20}
 * data:{…}
 * </pre>
 *
 * Ids are the playlist's sequence number in this process; a ping repeats the id of the last event
 * this stream carried, so {@code Last-Event-ID} always names state the frame has. A reconnecting
 * frame gets the full playlist again whatever its {@code Last-Event-ID}: the display keeps no
 * history, a playlist is small, and after a display restart the numbers start again anyway.
 */
@Path("/api/v1/events")
@Tag(name = "frames")
public class EventsResource {
    private final Playlist playlist;
    private final FrameClients clients;
    private final DisplayConfig config;
    private final Settings settings;

    EventsResource(Playlist playlist, FrameClients clients, DisplayConfig config, Settings settings) {
        this.playlist = playlist;
        this.settings = settings;
        this.clients = clients;
        this.config = config;
    }

    /** Body of {@code remove}. */
    public record Removed(UUID photoId) {
    }

    /** Body of {@code ping}; frames use the interval to notice a stream that went quiet. */
    public record Ping(Instant at, long intervalSeconds) {
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @ResponseHeader(name = "Cache-Control", value = "no-cache")
    @ResponseHeader(name = "X-Accel-Buffering", value = "no") // nginx: do not buffer the stream
    @Operation(summary = "Live playlist: playlist, then add / remove; ping as heartbeat")
    public Multi<OutboundSseEvent> events(@Context Sse sse, @HeaderParam("Last-Event-ID") String lastEventId,
                                          @jakarta.ws.rs.QueryParam("frame") String frame) {
        String name = frame == null || frame.isBlank() ? "default" : frame;
        return Multi.createFrom().deferred(() -> {
            AtomicLong lastId = new AtomicLong(-1); // nothing sent yet: pings carry no id
            // The settings in force follow the playlist at once; later changes come as they happen.
            Multi<OutboundSseEvent> changes = playlist.follow(config.clientBuffer())
                    .onItem().transformToMultiAndConcatenate(event -> {
                        lastId.set(event.seq());
                        OutboundSseEvent sent = toSse(sse, event);
                        return event instanceof PlaylistEvent.Snapshot
                                ? Multi.createFrom().items(sent, settingsEvent(sse, settings.current()))
                                : Multi.createFrom().item(sent);
                    });
            Duration heartbeat = config.heartbeat();
            Multi<OutboundSseEvent> pings = Multi.createFrom().ticks().startingAfter(heartbeat).every(heartbeat)
                    .onOverflow().drop()
                    .map(tick -> ping(sse, lastId.get(), heartbeat));
            Multi<OutboundSseEvent> frameSettings = settings.follow().skip().first()
                    .map(current -> settingsEvent(sse, current));
            return Multi.createBy().merging().streams(changes, frameSettings, pings);
        })
                .onSubscription().invoke(() -> {
                    clients.connected(name);
                    Log.debugf("SSE client connected (Last-Event-ID %s)", lastEventId);
                })
                .onTermination().invoke(() -> clients.disconnected(name));
    }

    private static OutboundSseEvent settingsEvent(Sse sse, FrameSettings current) {
        return sse.newEventBuilder().name("settings").data(FrameSettings.class, current).build();
    }

    private static OutboundSseEvent ping(Sse sse, long lastId, Duration interval) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().name("ping")
                .data(Ping.class, new Ping(Instant.now(), Math.max(1, interval.toSeconds())));
        if (lastId >= 0) {
            builder.id(Long.toString(lastId));
        }
        return builder.build();
    }

    private OutboundSseEvent toSse(Sse sse, PlaylistEvent event) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().id(Long.toString(event.seq()));
        if (event instanceof PlaylistEvent.Snapshot snapshot) {
            return builder.name("playlist")
                    .reconnectDelay(config.reconnectDelay().toMillis())
                    .data(PlaylistView.class, new PlaylistView(snapshot.photos()))
                    .build();
        }
        if (event instanceof PlaylistEvent.Added added) {
            return builder.name("add").data(PhotoView.class, added.photo()).build();
        }
        PlaylistEvent.Removed removed = (PlaylistEvent.Removed) event;
        return builder.name("remove").data(Removed.class, new Removed(removed.photoId())).build();
    }
}
