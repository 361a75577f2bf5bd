package io.imgboard.infra.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The one Server-Sent Events client of the tests: a real stream over the JDK HttpClient, read on a
 * daemon thread, keeping every event (as {@link Parser} cuts them) and every raw line. {@link #open}
 * waits for the response's headers; {@code new SseClient(uri)} connects in the background.
 */
public final class SseClient implements AutoCloseable {

    /**
     * One event as it came over the wire: {@code id} null when it had no id line, {@code name}
     * "message" when it had no event line (as EventSource names it), {@code data} null when it had
     * no data line (several data lines joined by '\n'), and its raw lines (comments and retry included).
     */
    public record Event(String id, String name, String data, List<String> lines) {
    }

    /** An event and when the reader took its last line off the stream (epoch milliseconds). */
    public record Arrival(Event event, long atMillis) {
    }

    /**
     * Cuts a stream's lines into events: feed it every line in order; a blank line ends an event.
     * Comment-only and retry-only blocks make no event. Not thread-safe: one per stream.
     */
    public static final class Parser {
        private String id;
        private String name;
        private StringBuilder data;
        private List<String> raw = new ArrayList<>();

        /** The event this line completes, if it is the blank line after one. */
        public Optional<Event> line(String line) {
            if (line.isEmpty()) {
                Optional<Event> event = name != null || data != null || id != null
                        ? Optional.of(new Event(id, name == null ? "message" : name, data == null ? null : data.toString(),
                        List.copyOf(raw)))
                        : Optional.empty();
                id = null;
                name = null;
                data = null;
                raw = new ArrayList<>();
                return event;
            }
            raw.add(line);
            if (line.startsWith(":")) {
                return Optional.empty();
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // retry and unknown fields
                }
            }
            return Optional.empty();
        }
    }

    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Object arrived = new Object();
    private volatile boolean closed;
    private volatile boolean ended;

    /** Connects in the background; the events come as they come (see {@link #open} to wait for the answer). */
    public SseClient(URI uri) {
        this(uri, Map.of());
    }

    public SseClient(URI uri, Map<String, String> headers) {
        this(uri, headers, HttpClient.Version.HTTP_2);
    }

    /** With {@link HttpClient.Version#HTTP_1_1}: a connection of its own per stream, as browsers and curl hold them. */
    public SseClient(URI uri, Map<String, String> headers, HttpClient.Version version) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        response = HttpClient.newBuilder().version(version).build()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(answer -> {
            Thread reader = new Thread(() -> read(answer.body()), "sse-test-client");
            reader.setDaemon(true);
            reader.start();
        });
    }

    /** Connects and waits (up to a minute) for the response's status and headers. */
    public static SseClient open(URI uri, Map<String, String> headers) throws Exception {
        SseClient client = new SseClient(uri, headers);
        client.response();
        return client;
    }

    /** {@link #open(URI)} over HTTP/1.1. */
    public static SseClient openHttp11(URI uri) throws Exception {
        SseClient client = new SseClient(uri, Map.of(), HttpClient.Version.HTTP_1_1);
        client.response();
        return client;
    }

    public static SseClient open(URI uri) throws Exception {
        return open(uri, Map.of());
    }

    /** The response (status, headers), waiting up to a minute for it. */
    public HttpResponse<Stream<String>> response() throws InterruptedException, ExecutionException, TimeoutException {
        return response.get(60, TimeUnit.SECONDS);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Every event so far with this name, in arrival order. */
    public List<Event> events(String name) {
        return events.stream().filter(named(name)).toList();
    }

    /** Every line so far, raw, blank lines included. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits (up to a minute) for the first event, in arrival order, that matches. */
    public Event await(Predicate<Event> wanted) {
        return await(wanted, Duration.ofSeconds(60));
    }

    public Event await(Predicate<Event> wanted, Duration atMost) {
        return awaitArrival(wanted, atMost).event();
    }

    /**
     * As {@link #await(Predicate, Duration)}, with the time the event arrived: a caller that looks
     * for it late (a benchmark) still learns when it came.
     */
    public Arrival awaitArrival(Predicate<Event> wanted, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (arrived) {
            while (true) {
                Optional<Arrival> found = arrivals.stream().filter(a -> wanted.test(a.event())).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such event within " + atMost + "; the stream carried " + lines.size()
                            + " lines, events: " + events.stream().map(Event::name).toList());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(arrived, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for an event", e);
                }
            }
        }
    }

    public static Predicate<Event> named(String name) {
        return event -> name.equals(event.name());
    }

    public static Predicate<Event> named(String name, String containing) {
        return event -> name.equals(event.name()) && event.data() != null && event.data().contains(containing);
    }

    private void read(Stream<String> body) {
        Parser parser = new Parser();
        try (body) {
            for (String line : (Iterable<String>) body::iterator) {
                if (closed) {
                    return;
                }
                lines.add(line);
                parser.line(line).ifPresent(event -> {
                    long at = System.currentTimeMillis();
                    synchronized (arrived) {
                        events.add(event);
                        arrivals.add(new Arrival(event, at));
                        arrived.notifyAll();
                    }
                });
            }
        } catch (RuntimeException ended) {
            // the stream ended under the reader (the test closed it, or the server went away):
            // what came before stays readable
        } finally {
            ended = true;
        }
    }

    /** Whether the stream has ended (the server closed it, or this client did). */
    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        closed = true;
        response.thenAccept(answer -> answer.body().close());
    }
}
