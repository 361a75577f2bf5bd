package io.imgboard.display.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.config.DisplayConfig;
import io.imgboard.support.ClientAddress;
import io.imgboard.support.ErrorBody;
import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.PhotoView;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.service.PlaylistEvent;
import io.imgboard.display.service.frames.FrameBags;
import io.imgboard.display.service.frames.FrameDefinition;
import io.imgboard.display.service.frames.FramePage;
import io.imgboard.display.service.frames.Frames;
import io.imgboard.display.service.frames.FramesConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A frame's live playlist, v2, as server-sent events ({@code text/event-stream}) on
 * {@code GET /api/v1/events?frame=<name>} (absent: {@code default}):
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
 * event:add                a photo new to the frame (show it next)
 * data:{"photoId":…,"url":…,…}
 *
 * id:43
 * event:update             a photo the frame already has, changed (more renditions after the early display
 * data:{"photoId":…,…}     one, a reprocess): replace it where it is; a frame that does not hold it ignores it
 *
 * id:44
 * event:remove             a retired photo, or one that no longer matches the frame's filter: {"photoId":"…"}
 *
 * id:44
 * event:ping               every imgboard.display.heartbeat: {"at":"…","intervalSeconds":20}
 * </pre>
 *
 * Ids are offsets of the compacted catalog topic, the same in every instance and after a restart. A
 * frame that reconnects with a {@code Last-Event-ID} (or {@code ?lastEventId=}, for a new EventSource,
 * which cannot set headers) this display can continue from gets only the
 * {@code add}/{@code update}/{@code remove} it missed, each photo once in its latest state; otherwise (unknown, or older
 * than the display keeps) a fresh {@code page}. A ping repeats the last id, so {@code Last-Event-ID}
 * always names state the frame has. {@code settings} comes first; a stream waiting for its first
 * events is pinged (kept online) only while the catalog is still being read. More photos: {@code GET /api/v1/frames/<name>/next}.
 *
 * <p>A reloaded frame (or a new tab) passes {@code ?shown=<photoId>&bag=<page's bag>}, the last photo it
 * showed: its page continues right after it rather than from where the frame last asked for {@code /next}.
 *
 * <p><b>Fan-out.</b> A plain Vert.x route, not a REST resource: a stream is a response and a few fields
 * ({@link Stream}), kept in a set of its event loop ({@link Loop}). A change is encoded once per frame
 * name, and each event loop gets one task that writes the same bytes to all of its streams (on a plain
 * HTTP/1.1 connection as one pre-encoded chunk straight below the response encoder, see {@link Wire});
 * one timer sends every ping. A stream whose client does not read is closed after
 * {@code imgboard.display.client-buffer} events written while its write queue was full (the frame
 * reconnects and resumes). A fresh page is encoded once per frame and playlist state, not per
 * connection, so a reconnect storm after a restart costs little. Above
 * {@code imgboard.display.max-streams} open streams (default: from the open-file limit and the heap, see
 * {@link StreamLimit}) a new one is answered 503 with {@code Retry-After}, and a log line says why;
 * the streams already open are not touched. Above {@code imgboard.display.max-streams-per-address} from
 * one client address ({@link #addressOf}) a new one is answered 429 with {@code Retry-After}, so that one
 * client cannot take every place; a log line per address and minute says so.
 */
@ApplicationScoped
public class FrameStreams implements MeterBinder {
    static final String PATH = "/api/v1/events";

    private final Playlist playlist;
    private final FrameClients clients;
    private final DisplayConfig config;
    private final Frames frames;
    private final FrameBags bags;
    private final FramesConfig framesConfig;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final ClientAddress callers;
    private final int maxStreams;
    /** Streams one client address may hold; 0: no limit. */
    private final int maxPerAddress;
    /** Addresses refused for holding their most: when that was last logged, and how many since. */
    private final Map<String, AddressRefusals> addressRefusals = new ConcurrentHashMap<>();
    private final Map<EventLoop, Loop> loops = new ConcurrentHashMap<>();
    /** Frame names whose definition the streams follow (one subscription each). */
    private final Map<String, Boolean> definitions = new ConcurrentHashMap<>();
    /** Frame name → the last fresh page encoded, reused while the playlist and the bag have not moved. */
    private final Map<String, EncodedPage> pages = new ConcurrentHashMap<>();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private volatile long lastRefusalLog;
    private long heartbeatTimer = -1;
    /** The last change's fan-out: streams, seconds to the first loop, seconds to the last write ({@link Fanout}). */
    private volatile double[] lastFanout = {0, 0, 0};

    FrameStreams(Playlist playlist, FrameClients clients, DisplayConfig config, Frames frames, FrameBags bags,
                 FramesConfig framesConfig, ObjectMapper json, Vertx vertx, ClientAddress callers) {
        this.playlist = playlist;
        this.clients = clients;
        this.config = config;
        this.frames = frames;
        this.bags = bags;
        this.framesConfig = framesConfig;
        this.json = json;
        this.vertx = vertx;
        this.callers = callers;
        this.maxStreams = config.maxStreams().orElseGet(StreamLimit::derived);
        this.maxPerAddress = Math.max(0, config.maxStreamsPerAddress());
    }

    /** Body of {@code remove}. */
    public record Removed(UUID photoId) {
    }

    /** Body of {@code ping}; frames use the interval to notice a stream that went quiet. */
    public record Ping(Instant at, long intervalSeconds) {
    }

    /** One open stream; its fields are only touched on its event loop (or before it joins one). */
    static final class Stream {
        final HttpServerResponse response;
        final String frame;
        /** The client address it counts against ({@link #addressOf}); null: none. */
        final String address;
        final Loop loop;
        /** Where a pre-encoded chunk is written: below the HTTP/1.1 encoder ({@link Wire}); null: through the response. */
        final Wire wire;
        /** Its head and first events went out through the response: from now on events may take the {@link #wire}. */
        boolean started;
        /** The last id sent (a ping repeats it); Long.MIN_VALUE for none. */
        long lastId;
        FrameSettings sentSettings;
        String sentBasis;
        /** Events written while the client was not reading (the write queue full). */
        int behind;
        volatile boolean closed;

        Stream(HttpServerResponse response, String frame, String address, Loop loop, long lastId, Wire wire) {
            this.response = response;
            this.frame = frame;
            this.address = address;
            this.loop = loop;
            this.lastId = lastId;
            this.wire = wire;
        }
    }

    /**
     * A plain HTTP/1.1 connection's pipeline just below its response encoder: an event written here as a
     * whole chunk ({@link Encoded#chunk}: size line, bytes, CRLF, the bytes the encoder would have made)
     * goes straight to the socket. That skips, per stream and event, the response's locks, a
     * {@code DefaultHttpContent}, the encoder's size line and its promise combiner, the idle handler's
     * promise and listener, and the copy of a heap buffer into direct memory; the socket gets one buffer
     * instead of three. Only on a plain connection: with TLS or compression Vert.x adds a chunked-write
     * queue above the encoder that could hold a write back, and those streams write through the response.
     * The idle handler above the encoder is told of the pings (see {@link #ping()}).
     */
    record Wire(ChannelHandlerContext encoder, IdleStateHandler idle, ChannelPromise noPromise) {
        static Wire of(HttpServerRequest request) {
            if (request.version() != HttpVersion.HTTP_1_1 || !(request.connection() instanceof ConnectionBase connection)) {
                return null; // HTTP/2 streams share a connection; HTTP/1.0 has no chunks
            }
            ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
            ChannelHandlerContext encoder = pipeline.context(HttpResponseEncoder.class);
            if (encoder == null || pipeline.get("deflater") != null || pipeline.get("chunkedWriter") != null) {
                return null;
            }
            return new Wire(encoder, pipeline.get(IdleStateHandler.class), connection.voidPromise);
        }
    }

    /** An event's bytes, and the same as one HTTP/1.1 chunk in direct memory, made once for every stream. */
    static final class Encoded {
        final Buffer text;
        final ByteBuf chunk;

        Encoded(Buffer text) {
            this.text = text;
            byte[] size = (Integer.toHexString(text.length()) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer direct = ByteBuffer.allocateDirect(size.length + text.length() + 2);
            direct.put(size).put(text.getBytes()).put((byte) '\r').put((byte) '\n').flip();
            // Each stream writes a duplicate (its own indices) that nothing frees: the GC frees the memory.
            this.chunk = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
        }
    }

    /** The streams of one event loop; only that loop's thread touches the set. */
    static final class Loop {
        final EventLoop eventLoop;
        final Set<Stream> streams = new HashSet<>();
        /** Connected while the catalog is still being read: they get pings (so the frame stays online), no changes yet. */
        final Set<Stream> waiting = new HashSet<>();

        Loop(EventLoop eventLoop) {
            this.eventLoop = eventLoop;
        }
    }

    private record EncodedPage(FramePage page, long seq, Buffer bytes) {
    }

    void install(@Observes Router router) {
        router.get(PATH).handler(this::open);
        playlist.onChange(this::changed);
        long every = Math.max(1, config.heartbeat().toMillis());
        heartbeatTimer = vertx.setPeriodic(every, every, id -> ping());
        Log.infof("SSE streams: at most %d open (imgboard.display.max-streams), %s from one client address"
                + " (imgboard.display.max-streams-per-address; loopback uncounted)", maxStreams,
                maxPerAddress > 0 ? "at most " + maxPerAddress : "no limit");
    }

    void stop(@Observes ShutdownEvent event) {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
    }

    /** How many streams this display holds at most. */
    public int maxStreams() {
        return maxStreams;
    }

    private void open(RoutingContext context) {
        HttpServerRequest request = context.request();
        String frame = request.getParam("frame");
        String name = frame == null || frame.isBlank() ? Frames.DEFAULT : frame.strip();
        if (frames.find(name).isEmpty()) {
            if (frames.mayYetExist(name)) {
                context.response().putHeader("Retry-After", "5");
                error(context.response(), 503, "The display is starting: its frames are not read yet.");
            } else {
                error(context.response(), 404, "There is no frame called \"" + name + "\".");
            }
            return;
        }
        // Counted now (atomically against the caps), so connections racing on other event loops cannot pass them.
        String address = addressOf(request);
        Refusal refusal = admit(name, address);
        if (refusal != null) {
            refuse(context.response(), refusal);
            return;
        }
        String lastEventId = request.getHeader("Last-Event-ID");
        // A frame that opens a new EventSource itself cannot set the header; it sends the id as a parameter.
        long resumeAfter = resumeToken(lastEventId != null ? lastEventId : request.getParam("lastEventId"));
        UUID shown = photoId(request.getParam("shown"));
        String bagParam = request.getParam("bag");
        String bag = bagParam == null || bagParam.isBlank() || bagParam.length() > 64 ? null : bagParam.strip();

        EventLoop eventLoop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
        Loop loop = loops.computeIfAbsent(eventLoop, Loop::new);
        HttpServerResponse response = context.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        // Before a page or a missed change, pings repeat the id the frame resumed from.
        Stream stream = new Stream(response, name, address, loop, resumeAfter >= -1 ? resumeAfter : Long.MIN_VALUE, Wire.of(request));
        response.closeHandler(ignored -> closed(stream));
        response.exceptionHandler(ignored -> closed(stream));
        Log.debugf("SSE client of frame %s connected (Last-Event-ID %s)", name, lastEventId);
        follow(name);
        loop.eventLoop.execute(() -> {
            if (!stream.closed) {
                loop.waiting.add(stream);
            }
        });
        if (!playlist.isLoaded()) {
            response.write(":loading the catalog\n\n"); // the headers now; events once the catalog is read
        }
        playlist.whenLoaded().subscribe().with(
                ignored -> vertx.executeBlocking(() -> {
                    start(stream, resumeAfter, shown, bag);
                    return null;
                }, false),
                failure -> stream.loop.eventLoop.execute(() -> {
                    stream.response.close();
                    closed(stream); // on the stream's event loop, as its close handler runs: counted once
                }));
    }

    /**
     * The stream's first events, computed under the playlist's lock, and the stream joins its loop's set
     * in the same task that writes them: every change applied after this point reaches it (its task is
     * queued on the same loop after this one), and none before.
     */
    private void start(Stream stream, long resumeAfter, UUID shown, String bag) {
        playlist.read(photos -> {
            if (stream.closed) {
                return null;
            }
            FrameDefinition definition = definition(stream.frame);
            FrameSettings settings = frames.effective(definition);
            String basis = FrameBags.basis(definition, settings);
            Buffer out = Buffer.buffer(512);
            out.appendString(settingsEvent(settings, retry()));
            long lastId = stream.lastId;
            Optional<List<PlaylistEvent>> missed = resumeAfter < -1 ? Optional.empty() : playlist.since(resumeAfter);
            if (missed.isPresent()) {
                for (PlaylistEvent event : missed.get()) {
                    Buffer bytes = change(event, definition);
                    if (bytes != null) {
                        out.appendBuffer(bytes);
                    }
                    lastId = Math.max(lastId, event.seq());
                }
            } else {
                long seq = playlist.seq();
                out.appendBuffer(page(stream.frame, seq, bags.page(definition, settings, photos, shown, bag, FrameBags.MAX_WINDOW)));
                lastId = Math.max(lastId, seq);
            }
            long id = lastId;
            stream.loop.eventLoop.execute(() -> {
                if (stream.closed) {
                    return;
                }
                stream.lastId = id;
                stream.sentSettings = settings;
                stream.sentBasis = basis;
                stream.loop.waiting.remove(stream);
                stream.loop.streams.add(stream);
                write(stream, out);
                stream.started = true;
            });
            return null;
        });
    }

    /** A change of the playlist, on the thread that applies it and under its lock: queued to every loop in order. */
    private void changed(PlaylistEvent event) {
        if (loops.isEmpty() || definitions.isEmpty()) {
            return;
        }
        Map<String, Encoded> byFrame = new HashMap<>();
        Map<String, Encoded> encoded = new HashMap<>(4); // event name → bytes: each kind encoded once
        for (String name : definitions.keySet()) {
            String kind = kind(event, definition(name));
            if (kind != null) {
                byFrame.put(name, encoded.computeIfAbsent(kind, k -> new Encoded(encode(event, k))));
            }
        }
        if (byFrame.isEmpty()) {
            return;
        }
        long seq = event.seq();
        Fanout fanout = new Fanout(System.nanoTime(), loops.size());
        for (Loop loop : loops.values()) {
            loop.eventLoop.execute(() -> {
                long start = System.nanoTime();
                int written = 0;
                for (Stream stream : loop.streams) {
                    Encoded bytes = byFrame.get(stream.frame);
                    if (bytes != null) {
                        stream.lastId = Math.max(stream.lastId, seq);
                        write(stream, bytes);
                        written++;
                    }
                }
                fanout.loopDone(start, System.nanoTime(), written);
            });
        }
    }

    /**
     * When one change was written, for {@code bench fanout} ({@code imgboard_display_fanout_*} on
     * {@code /q/metrics}): from the change being applied to the first loop starting and to the last
     * stream written. Tells the display's own share of the spread the clients see.
     */
    private final class Fanout {
        private final long appliedAt;
        private int loopsLeft;
        private long firstStart = Long.MAX_VALUE;
        private long lastEnd;
        private int streams;

        Fanout(long appliedAt, int loops) {
            this.appliedAt = appliedAt;
            this.loopsLeft = loops;
        }

        synchronized void loopDone(long start, long end, int written) {
            if (written > 0) {
                firstStart = Math.min(firstStart, start);
                lastEnd = Math.max(lastEnd, end);
                streams += written;
            }
            if (--loopsLeft == 0 && streams > 0) {
                lastFanout = new double[] {streams, (firstStart - appliedAt) / 1e9, (lastEnd - appliedAt) / 1e9};
                Log.debugf("change written to %d streams: first loop after %.1f ms, last stream after %.1f ms",
                        (Object) streams, (firstStart - appliedAt) / 1e6, (lastEnd - appliedAt) / 1e6);
            }
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("imgboard.display.fanout.streams", this, streams -> streams.lastFanout[0])
                .description("Streams the last change was written to").register(registry);
        Gauge.builder("imgboard.display.fanout.start.seconds", this, streams -> streams.lastFanout[1])
                .description("From the last change applied to the first event loop writing it").register(registry);
        Gauge.builder("imgboard.display.fanout.written.seconds", this, streams -> streams.lastFanout[2])
                .description("From the last change applied to its last stream written").register(registry);
    }

    /** One timer for every stream: the ping's bytes are made once per last id. */
    private void ping() {
        long seconds = Math.max(1, config.heartbeat().toSeconds());
        String data = encode(new Ping(Instant.now(), seconds));
        for (Loop loop : loops.values()) {
            loop.eventLoop.execute(() -> {
                Map<Long, Encoded> byId = new HashMap<>();
                boolean catalogRead = playlist.isLoaded();
                // Waiting streams get pings only while the catalog is still being read: once it is, their
                // first events are on the way, and the first must be settings (a ping first broke that).
                for (Set<Stream> streams : catalogRead ? List.of(loop.streams) : List.of(loop.streams, loop.waiting)) {
                    for (Stream stream : streams) {
                        Encoded bytes = byId.computeIfAbsent(stream.lastId, id -> new Encoded(Buffer.buffer(
                                (id >= -1 && id != Long.MIN_VALUE ? "id:" + id + "\n" : "") + "event:ping\ndata:" + data + "\n\n")));
                        write(stream, bytes);
                        // Frames never send, and the idle handler does not see a write below it: the ping
                        // tells it (not every write: reading the clock costs ~0.5 µs on a virtual machine).
                        if (stream.wire != null && stream.wire.idle() != null) {
                            stream.wire.idle().resetWriteTimeout();
                        }
                    }
                }
            });
        }
    }

    /**
     * Streams of frame {@code name} follow its definition (filter, overrides) and the display's settings:
     * new settings are sent, and for another order or filter a fresh page. One subscription per frame name.
     */
    private void follow(String name) {
        definitions.computeIfAbsent(name, ignored -> {
            frames.followDefinition(name).skip().first().subscribe().with(definition -> redefined(name, definition));
            return Boolean.TRUE;
        });
    }

    private void redefined(String name, FrameDefinition definition) {
        if (!clients.byFrame().containsKey(name)) {
            return;
        }
        if (frames.find(name).isEmpty()) {
            // Deleted: its screens must not fall back to the whole library. Closed, they reconnect and
            // are told the frame is gone (404), as a reload would be.
            for (Loop loop : loops.values()) {
                loop.eventLoop.execute(() -> {
                    // also those still waiting for their first events: they would start with the whole library
                    List<Stream> all = new ArrayList<>(loop.streams);
                    all.addAll(loop.waiting);
                    for (Stream stream : all) {
                        if (stream.frame.equals(name)) {
                            stream.response.close();
                            closed(stream); // over HTTP/1.1 the server's own close calls no close handler
                        }
                    }
                });
            }
            return;
        }
        playlist.read(photos -> {
            FrameSettings settings = frames.effective(definition);
            String basis = FrameBags.basis(definition, settings);
            Encoded settingsBytes = new Encoded(Buffer.buffer(settingsEvent(settings, null)));
            long seq = playlist.seq();
            // Another order or filter is another bag: the window a frame holds is stale.
            Encoded pageBytes = new Encoded(page(name, seq, bags.page(definition, settings, photos, FrameBags.MAX_WINDOW)));
            for (Loop loop : loops.values()) {
                loop.eventLoop.execute(() -> {
                    for (Stream stream : loop.streams) {
                        if (!stream.frame.equals(name)) {
                            continue;
                        }
                        if (!settings.equals(stream.sentSettings)) {
                            stream.sentSettings = settings;
                            write(stream, settingsBytes);
                        }
                        if (stream.sentBasis != null && !stream.sentBasis.equals(basis)) {
                            stream.sentBasis = basis;
                            stream.lastId = Math.max(stream.lastId, seq);
                            write(stream, pageBytes);
                        }
                    }
                });
            }
            return null;
        });
    }

    /**
     * Writes an event shared by many streams, on the stream's loop: as a pre-encoded chunk straight to
     * the socket where the stream has a {@link Wire} and has started, else through the response.
     */
    private void write(Stream stream, Encoded bytes) {
        Wire wire = stream.wire;
        if (wire == null || !stream.started) {
            write(stream, bytes.text);
            return;
        }
        if (stream.closed || !keepsUp(stream, !wire.encoder().channel().isWritable())) {
            return;
        }
        // A write to a channel that just closed fails quietly (the close handler ends the stream).
        wire.encoder().writeAndFlush(bytes.chunk.duplicate(), wire.noPromise());
    }

    /** Writes on the stream's loop, through the response. */
    private void write(Stream stream, Buffer bytes) {
        if (stream.closed || !keepsUp(stream, stream.response.writeQueueFull())) {
            return;
        }
        stream.response.write(bytes, null); // no promise per write: nobody waits for it (the drain handler paces)
    }

    /**
     * False when a client that stopped reading ({@code full}: its write queue is) is too far behind: the
     * stream is closed (the frame reconnects and resumes).
     */
    private boolean keepsUp(Stream stream, boolean full) {
        if (!full) {
            return true;
        }
        if (++stream.behind > config.clientBuffer()) {
            Log.debugf("SSE client of frame %s fell %d events behind: closed (it reconnects)", stream.frame, stream.behind);
            stream.response.close();
            closed(stream);
            return false;
        }
        if (stream.behind == 1) {
            stream.response.drainHandler(ignored -> stream.behind = 0);
        }
        return true;
    }

    private void closed(Stream stream) {
        if (stream.closed) {
            return;
        }
        stream.closed = true;
        released(stream.frame, stream.address);
        // Later, never now: this may run inside a loop over the set.
        stream.loop.eventLoop.execute(() -> {
            stream.loop.streams.remove(stream);
            stream.loop.waiting.remove(stream);
        });
    }

    /** The page event; encoded once while the bag hands out the same page at the same position. */
    private Buffer page(String frame, long seq, FramePage page) {
        EncodedPage cached = pages.get(frame);
        if (cached != null && cached.page() == page && cached.seq() == seq) {
            return cached.bytes();
        }
        Buffer bytes = Buffer.buffer("id:" + seq + "\nevent:page\ndata:" + encode(page) + "\n\n");
        pages.put(frame, new EncodedPage(page, seq, bytes));
        return bytes;
    }

    private Buffer change(PlaylistEvent event, FrameDefinition definition) {
        String kind = kind(event, definition);
        return kind == null ? null : encode(event, kind);
    }

    /**
     * What a frame of {@code definition} is told of {@code event}: {@code add} for a photo new to it,
     * {@code update} for one it already had (the same photo, changed: replaced in place, not shown again),
     * {@code remove} for one it no longer shows; null for a change that does not concern it (a new photo,
     * or an update of one, its filter leaves out).
     */
    private String kind(PlaylistEvent event, FrameDefinition definition) {
        if (event instanceof PlaylistEvent.Removed removed) {
            // Only to frames that could hold it: a photo their filter never let in is none of their business.
            // Unknown here (never seen by this display), or an "on this day" frame (yesterday's day let in
            // photos today's does not): every such frame is told, it may have it.
            return removed.previous() == null || definition.filter().onThisDay() || bags.shows(definition, removed.previous())
                    ? "remove" : null;
        }
        PhotoView photo = event.shown();
        if (photo == null) {
            return null;
        }
        boolean shows = bags.shows(definition, photo);
        if (event instanceof PlaylistEvent.Updated updated) {
            // previous null: a resumed frame missed several changes; it had the photo if its filter let it in
            boolean showed = updated.previous() == null || bags.shows(definition, updated.previous());
            if (shows && showed && photo.looksLike(updated.previous())) {
                return null; // only its origins changed, and this frame shows it either way
            }
            return shows ? (showed ? "update" : "add") : (showed ? "remove" : null);
        }
        return shows ? "add" : null; // new to the playlist: no frame can hold it yet
    }

    private Buffer encode(PlaylistEvent event, String kind) {
        Object body = kind.equals("remove") ? new Removed(photoId(event)) : event.shown();
        return Buffer.buffer("id:" + event.seq() + "\nevent:" + kind + "\ndata:" + encode(body) + "\n\n");
    }

    private static UUID photoId(PlaylistEvent event) {
        return event instanceof PlaylistEvent.Removed removed ? removed.photoId() : event.shown().photoId();
    }

    private String settingsEvent(FrameSettings settings, Long retryMs) {
        return "event:settings\n" + (retryMs != null ? "retry:" + retryMs + "\n" : "") + "data:" + encode(settings) + "\n\n";
    }

    private String encode(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Why a new stream is refused: 503 (the display holds its most) or 429 (the caller's address does), and the reason. */
    record Refusal(int status, String reason) {
    }

    /**
     * Counts a new stream of {@code frame} ({@link FrameClients#COMPAT} for img-board's) from {@code address}
     * ({@link #addressOf}; null: not counted per address), unless that address holds
     * {@code imgboard.display.max-streams-per-address} (429) or {@link #maxStreams()} are open, all endpoints
     * together (503). Null when counted: {@link #released} gives the place back.
     */
    Refusal admit(String frame, String address) {
        if (address != null && !clients.fromAddressUnder(address, maxPerAddress)) {
            refusedFrom(address, frame);
            return new Refusal(429, "Too many frame streams from your address: this display holds at most "
                    + maxPerAddress + " from one address. Close one, or try again later.");
        }
        if (clients.connectedUnder(frame, maxStreams)) {
            return null;
        }
        if (address != null) {
            clients.goneFromAddress(address);
        }
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastRefusalLog >= 10_000) {
            lastRefusalLog = now;
            refusedSinceLog.set(0);
            Log.warnf("SSE stream for frame %s refused (503): %d streams open, the most this display holds"
                            + " (imgboard.display.max-streams=%d; open-file limit %d); %d refused in the last 10 s."
                            + " Frames retry; run more displays behind a load balancer to hold more",
                    frame, clients.count(), maxStreams, StreamLimit.openFileLimit(), refused);
        }
        return new Refusal(503, refusal());
    }

    /** A stream {@link #admit}ted with {@code frame} and {@code address} ended: its places are free. */
    void released(String frame, String address) {
        clients.disconnected(frame);
        if (address != null) {
            clients.goneFromAddress(address);
        }
    }

    /** Answers a refused stream: the status, {@code Retry-After} (10–60 s) and the reason as JSON. */
    void refuse(HttpServerResponse response, Refusal refusal) {
        response.putHeader("Retry-After", Long.toString(retryAfterSeconds()));
        error(response, refusal.status(), refusal.reason());
    }

    /**
     * The client address a stream counts against, as the admin side judges callers ({@link ClientAddress}:
     * the peer, or behind {@code imgboard.auth.trusted-proxies} the address the proxy names), keyed as the
     * wrong-token limit keys it ({@link ClientAddress#key}: IPv6 by its /64). Null, not counted, for loopback (the host itself: {@code bench fanout}'s clients, or a
     * reverse proxy on this host that is not a trusted proxy, through which every frame would share one
     * address), a caller that cannot be told, or when there is no limit per address.
     */
    String addressOf(HttpServerRequest request) {
        if (maxPerAddress <= 0) {
            return null;
        }
        InetAddress caller = callers.caller(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                request.headers().getAll("X-Forwarded-For")).counted();
        return addressKey(caller);
    }

    /** {@link ClientAddress#key}, but null for this host's own addresses, which are not counted. */
    static String addressKey(InetAddress caller) {
        return ClientAddress.isLoopback(caller) ? null : ClientAddress.key(caller);
    }

    /** When an address's refusals were last logged, and how many came since. */
    private static final class AddressRefusals {
        final AtomicLong refused = new AtomicLong();
        long loggedAt;
    }

    /** One line per address and minute, however often it knocks: a client that retries in a loop does not flood the log. */
    private void refusedFrom(String address, String frame) {
        long now = System.currentTimeMillis();
        if (addressRefusals.size() > 1024) { // many addresses at their most: forget those not logged within the minute
            addressRefusals.values().removeIf(entry -> now - entry.loggedAt >= 60_000);
        }
        AddressRefusals entry = addressRefusals.computeIfAbsent(address, key -> new AddressRefusals());
        long refused = entry.refused.incrementAndGet();
        synchronized (entry) {
            if (entry.loggedAt != 0 && now - entry.loggedAt < 60_000) {
                return;
            }
            entry.loggedAt = now;
            entry.refused.set(0);
        }
        Log.warnf("SSE stream for frame %s from %s refused (429): that address holds %d streams, the most one address may"
                        + " (imgboard.display.max-streams-per-address=%d); %d refused from it since the last line about it (one a minute at most)."
                        + " Behind a reverse proxy every frame has its address: set imgboard.auth.trusted-proxies",
                frame, address, clients.fromAddress(address), maxPerAddress, refused);
    }

    String refusal() {
        return "This display holds " + maxStreams + " frame streams, its most; try again later.";
    }

    static long retryAfterSeconds() {
        return ThreadLocalRandom.current().nextLong(10, 61);
    }

    void error(HttpServerResponse response, int status, String message) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(encode(new ErrorBody(message, status)).getBytes(StandardCharsets.UTF_8)));
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

    /** The default of {@code imgboard.display.max-streams}. */
    static final class StreamLimit {
        /** Files kept for everything else: Kafka, S3, jars, logs, short requests. */
        static final int RESERVE = 1024;
        /** Heap kept per stream when the cap is derived from the heap (measured: a few KB; with margin). */
        static final long HEAP_PER_STREAM = 16 * 1024;

        private StreamLimit() {
        }

        static int derived() {
            long files = openFileLimit();
            long byFiles = files > 0 ? files - RESERVE : 10_000;
            long byHeap = Runtime.getRuntime().maxMemory() / HEAP_PER_STREAM;
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.min(byFiles, byHeap)));
        }

        static long openFileLimit() {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
            return -1;
        }
    }

}
