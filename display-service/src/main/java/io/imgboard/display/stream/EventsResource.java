package io.imgboard.display.stream;

import io.imgboard.display.config.DisplayConfig;
import io.imgboard.display.rest.ErrorBody;
import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.PhotoView;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.service.PlaylistEvent;
import io.imgboard.display.service.frames.FrameBags;
import io.imgboard.display.service.frames.FrameDefinition;
import io.imgboard.display.service.frames.FramePage;
import io.imgboard.display.service.frames.Frames;
import io.imgboard.display.service.frames.FramesConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A frame's live playlist, v2, as server-sent events ({@code text/event-stream}) on
 * {@code /api/v1/events?frame=<name>} (absent: {@code default}):
 *
 * <pre>
 * event:settings           first on every connection, and whenever they change: the frame's settings
 * retry:17342              (the display's with its overrides); retry is random per connection, 3–30 s
 * data:{"intervalMs":5000,"order":"shuffle",…}
 *
 * id:41
 * event:page               a fresh connection (and a changed order or filter): the next up to 100 photos of
 * data:{"frame":"kitchen","round":2,"total":5000,"position":17,"photos":[…],"bag":"…"}   the frame's bag, the first to show now
 *
 * id:42
 * event:add                a new or changed photo the frame shows (same photoId: replace it; new: show it next)
 * data:{"photoId":…,"url":…,…}
 *
 * id:43
 * event:remove             a retired photo, or one that no longer matches the frame's filter: {"photoId":"…"}
 *
 * id:43
 * event:ping               every imgboard.display.heartbeat: {"at":"…","intervalSeconds":20}
 * </pre>
 *
 * Ids are offsets of the compacted catalog topic, the same in every instance and after a restart. A
 * frame that reconnects with a {@code Last-Event-ID} (or {@code ?lastEventId=}, for a new EventSource,
 * which cannot set headers) this display can continue from gets only the
 * {@code add}/{@code remove} it missed, each photo once in its latest state; otherwise (unknown, or older
 * than the display keeps) a fresh {@code page}. A ping repeats the last id, so {@code Last-Event-ID}
 * always names state the frame has. More photos: {@code GET /api/v1/frames/<name>/next}.
 *
 * <p>A reloaded frame (or a new tab) passes {@code ?shown=<photoId>&bag=<page's bag>}, the last photo it
 * showed: its page continues right after it rather than from where the frame last asked for {@code /next}.
 */
@Path("/api/v1/events")
@Tag(name = "frames")
public class EventsResource {
    private final Playlist playlist;
    private final FrameClients clients;
    private final DisplayConfig config;
    private final Frames frames;
    private final FrameBags bags;
    private final FramesConfig framesConfig;

    EventsResource(Playlist playlist, FrameClients clients, DisplayConfig config, Frames frames, FrameBags bags,
                   FramesConfig framesConfig) {
        this.playlist = playlist;
        this.clients = clients;
        this.config = config;
        this.frames = frames;
        this.bags = bags;
        this.framesConfig = framesConfig;
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
    @Operation(summary = "A frame's live playlist: settings, page (or what it missed), then add / remove; ping as heartbeat")
    public Multi<OutboundSseEvent> events(@Context Sse sse, @HeaderParam("Last-Event-ID") String lastEventId,
                                          @QueryParam("frame") String frame, @QueryParam("lastEventId") String resumeFrom,
                                          @QueryParam("shown") String shown, @QueryParam("bag") String bag) {
        String name = frame == null || frame.isBlank() ? Frames.DEFAULT : frame.strip();
        if (frames.find(name).isEmpty()) {
            throw new WebApplicationException(Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorBody("There is no frame called \"" + name + "\".", 404)).build());
        }
        // A frame that opens a new EventSource itself cannot set the header; it sends the id as a parameter.
        long resumeAfter = resumeToken(lastEventId != null ? lastEventId : resumeFrom);
        UUID shownId = photoId(shown);
        String shownBag = bag == null || bag.isBlank() || bag.length() > 64 ? null : bag.strip();
        return Multi.createFrom().deferred(() -> {
            // Before a page or a missed change, pings repeat the id the frame resumed from.
            AtomicLong lastId = new AtomicLong(resumeAfter >= -1 ? resumeAfter : Long.MIN_VALUE);
            // What this connection's frame was last sent: a change of either is sent at once.
            AtomicReference<FrameSettings> sentSettings = new AtomicReference<>();
            AtomicReference<String> sentBasis = new AtomicReference<>();
            Multi<OutboundSseEvent> changes = playlist.follow(config.clientBuffer(), resumeAfter, photos -> {
                FrameDefinition definition = definition(name);
                FrameSettings settings = frames.effective(definition);
                FramePage page = bags.page(definition, settings, photos, shownId, shownBag, FrameBags.MAX_WINDOW);
                sentBasis.set(FrameBags.basis(definition, settings));
                return new PlaylistEvent.Start(playlist.seq(), page);
            }).onItem().transformToMultiAndConcatenate(event -> {
                if (event instanceof PlaylistEvent.Start start) {
                    // Sent only now that the stream follows every change, so a photo published right
                    // after a frame saw its first event cannot fall between page and add.
                    FrameDefinition definition = definition(name);
                    FrameSettings settings = frames.effective(definition);
                    sentSettings.set(settings);
                    OutboundSseEvent first = settingsEvent(sse, settings, retry());
                    if (start.body() == null) {
                        sentBasis.compareAndSet(null, FrameBags.basis(definition, settings));
                        return Multi.createFrom().item(first);
                    }
                    lastId.accumulateAndGet(event.seq(), Math::max);
                    return Multi.createFrom().items(first, toSse(sse, name, event));
                }
                lastId.accumulateAndGet(event.seq(), Math::max);
                return Multi.createFrom().item(toSse(sse, name, event));
            });
            Duration heartbeat = config.heartbeat();
            Multi<OutboundSseEvent> pings = Multi.createFrom().ticks().startingAfter(heartbeat).every(heartbeat)
                    .onOverflow().drop()
                    .map(tick -> ping(sse, lastId.get(), heartbeat));
            Multi<OutboundSseEvent> redefined = frames.followDefinition(name).skip().first()
                    .onItem().transformToMultiAndConcatenate(definition -> {
                        List<OutboundSseEvent> out = new ArrayList<>(2);
                        FrameSettings settings = frames.effective(definition);
                        if (!settings.equals(sentSettings.getAndSet(settings))) {
                            out.add(settingsEvent(sse, settings, null));
                        }
                        // Another order or filter is another bag: the window the frame holds is stale.
                        // (A frame that has had no page yet gets the new bag in its first one.)
                        String basis = FrameBags.basis(definition, settings);
                        String before = sentBasis.get();
                        if (before != null && !before.equals(basis) && sentBasis.compareAndSet(before, basis)) {
                            PlaylistEvent.Start fresh = playlist.read(photos -> new PlaylistEvent.Start(playlist.seq(),
                                    bags.page(definition, settings, photos, FrameBags.MAX_WINDOW)));
                            lastId.accumulateAndGet(fresh.seq(), Math::max);
                            out.add(toSse(sse, name, fresh));
                        }
                        return Multi.createFrom().iterable(out);
                    });
            return Multi.createBy().merging().streams(changes, redefined, pings);
        })
                .onSubscription().invoke(() -> {
                    clients.connected(name);
                    Log.debugf("SSE client of frame %s connected (Last-Event-ID %s)", name, lastEventId);
                })
                .onTermination().invoke(() -> clients.disconnected(name));
    }

    private FrameDefinition definition(String name) {
        return frames.find(name).orElse(FrameDefinition.empty(name));
    }

    private static UUID photoId(String text) {
        try {
            return text == null || text.isBlank() ? null : UUID.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            return null; // a report the frame garbled: start from the server's position
        }
    }

    /** A {@code Last-Event-ID} as a catalog offset; anything else (none, garbage) means a fresh start. */
    static long resumeToken(String lastEventId) {
        if (lastEventId == null || !lastEventId.strip().matches("-?[0-9]{1,18}")) {
            return -2;
        }
        long id = Long.parseLong(lastEventId.strip());
        return id < -1 ? -2 : id;
    }

    private long retry() {
        long min = framesConfig.retryMin().toMillis();
        long max = Math.max(min, framesConfig.retryMax().toMillis());
        return ThreadLocalRandom.current().nextLong(min, max + 1);
    }

    private static OutboundSseEvent settingsEvent(Sse sse, FrameSettings current, Long retryMs) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().name("settings").data(FrameSettings.class, current);
        if (retryMs != null) {
            builder.reconnectDelay(retryMs);
        }
        return builder.build();
    }

    private static OutboundSseEvent ping(Sse sse, long lastId, Duration interval) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().name("ping")
                .data(Ping.class, new Ping(Instant.now(), Math.max(1, interval.toSeconds())));
        if (lastId >= -1 && lastId != Long.MIN_VALUE) {
            builder.id(Long.toString(lastId));
        }
        return builder.build();
    }

    private OutboundSseEvent toSse(Sse sse, String name, PlaylistEvent event) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().id(Long.toString(event.seq()));
        if (event instanceof PlaylistEvent.Start start) {
            return builder.name("page").data(FramePage.class, start.body()).build();
        }
        if (event instanceof PlaylistEvent.Added added && bags.shows(definition(name), added.photo())) {
            return builder.name("add").data(PhotoView.class, added.photo()).build();
        }
        UUID photoId = event instanceof PlaylistEvent.Added added ? added.photo().photoId()
                : event instanceof PlaylistEvent.Removed removed ? removed.photoId() : null;
        return builder.name("remove").data(Removed.class, new Removed(photoId)).build();
    }
}
