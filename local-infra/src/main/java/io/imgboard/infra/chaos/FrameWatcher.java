package io.imgboard.infra.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.infra.testing.SseClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A frame on {@code /api/v1/events} that never gives up: when the stream ends (the display was
 * killed) it connects again with {@code Last-Event-ID}, as a browser's EventSource does, and counts
 * what it was told. It understands both the first protocol (a full {@code playlist} on every
 * connection) and v2 (a {@code page} on a fresh connection, only the missed {@code add}/{@code remove}
 * on a resumed one); for the count only {@code add} and {@code remove} matter, and the photos of a
 * snapshot are kept apart so a photo that arrived while the display was down can be told from one
 * that was never shown. The lines are cut into events by the tests' own {@link SseClient.Parser}.
 */
final class FrameWatcher implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECONNECT = Duration.ofSeconds(1);

    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Map<String, AtomicInteger> adds = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> removes = new ConcurrentHashMap<>();
    /** Photos named by a snapshot ({@code playlist} or {@code page}) on a connection after the first. */
    private final Set<String> inLaterSnapshots = ConcurrentHashMap.newKeySet();
    /**
     * What the frame holds now: a fresh snapshot replaces it (that is what a frame does with one),
     * an {@code add} joins it, a {@code remove} leaves it; a resumed stream keeps it.
     */
    private final Set<String> view = ConcurrentHashMap.newKeySet();
    /** An {@code add} for a photo already in the frame's view: the frame is told twice. */
    private final Map<String, AtomicInteger> duplicates = new ConcurrentHashMap<>();
    /** An {@code add} for a photo told before, after a fresh snapshot that left it out. */
    private final Map<String, AtomicInteger> retold = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger freshReconnects = new AtomicInteger();
    private final AtomicInteger resumedReconnects = new AtomicInteger();
    private final Thread reader;
    private volatile String lastEventId;
    private volatile String protocol = "none seen";
    private volatile InputStream open;
    private volatile boolean closed;
    private volatile boolean firstSnapshotSeen;

    FrameWatcher(String displayUrl) {
        this.uri = URI.create(displayUrl + "/api/v1/events");
        this.reader = new Thread(this::loop, "chaos-frame");
        reader.setDaemon(true);
    }

    FrameWatcher start() {
        reader.start();
        return this;
    }

    /** True once the first connection has delivered its opening snapshot: from then on nothing is missed. */
    boolean connected() {
        return firstSnapshotSeen;
    }

    private void loop() {
        while (!closed) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
                String resumeFrom = lastEventId;
                if (resumeFrom != null) {
                    request.header("Last-Event-ID", resumeFrom);
                }
                HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    response.body().close();
                    pause();
                    continue;
                }
                int number = connections.incrementAndGet();
                open = response.body();
                read(response.body(), number);
            } catch (IOException e) {
                // the display died or is not back yet: like EventSource, try again shortly
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                pause();
            }
        }
    }

    private void read(InputStream body, int connection) throws IOException {
        boolean sawData = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            SseClient.Parser parser = new SseClient.Parser();
            String line;
            while (!closed && (line = lines.readLine()) != null) {
                SseClient.Event event = parser.line(line).orElse(null);
                if (event == null || event.data() == null || event.data().isEmpty()) {
                    continue;
                }
                String name = event.name();
                if (!sawData && connection > 1 && !name.equals("ping") && !name.equals("settings")) {
                    sawData = true;
                    boolean snapshot = name.equals("playlist") || name.equals("page");
                    (snapshot ? freshReconnects : resumedReconnects).incrementAndGet();
                }
                handle(name, event.data(), connection);
                if (event.id() != null && !name.equals("ping")) {
                    lastEventId = event.id();
                }
            }
        }
    }

    private void handle(String name, String data, int connection) throws IOException {
        switch (name) {
            case "add" -> {
                String id = JSON.readTree(data).path("photoId").asText();
                int before = adds.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement();
                if (!view.add(id)) {
                    duplicates.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                } else if (before > 0) {
                    retold.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                }
            }
            case "remove" -> {
                String id = JSON.readTree(data).path("photoId").asText();
                removes.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                view.remove(id);
            }
            case "playlist", "page" -> {
                protocol = name.equals("page") ? "v2 (page, resumable)" : "v1 (playlist on every connection)";
                view.clear();
                for (JsonNode photo : JSON.readTree(data).path("photos")) {
                    String id = photo.path("photoId").asText();
                    view.add(id);
                    if (connection > 1) {
                        inLaterSnapshots.add(id);
                    }
                }
                firstSnapshotSeen = true;
            }
            default -> {
                // settings and ping say nothing about which photos a frame has
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    int addsFor(String photoId) {
        AtomicInteger count = adds.get(photoId);
        return count == null ? 0 : count.get();
    }

    Map<String, Integer> adds() {
        Map<String, Integer> copy = new java.util.HashMap<>();
        adds.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    Map<String, Integer> removes() {
        Map<String, Integer> copy = new java.util.HashMap<>();
        removes.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Adds for this photo while the frame already held it. */
    int duplicatesFor(String photoId) {
        AtomicInteger count = duplicates.get(photoId);
        return count == null ? 0 : count.get();
    }

    /** Adds for this photo that told it again after a fresh snapshot had left it out. */
    int retoldFor(String photoId) {
        AtomicInteger count = retold.get(photoId);
        return count == null ? 0 : count.get();
    }

    boolean inLaterSnapshot(String photoId) {
        return inLaterSnapshots.contains(photoId);
    }

    /** A photo this frame knows about: announced by an {@code add} or listed in a snapshot after a reconnect. */
    boolean seen(String photoId) {
        return addsFor(photoId) > 0 || inLaterSnapshots.contains(photoId);
    }

    int connections() {
        return connections.get();
    }

    int freshReconnects() {
        return freshReconnects.get();
    }

    int resumedReconnects() {
        return resumedReconnects.get();
    }

    String protocol() {
        return protocol;
    }

    @Override
    public void close() {
        closed = true;
        InputStream stream = open;
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing a dead stream
            }
        }
        reader.interrupt();
    }
}
