package io.imgboard.display.support;

import org.awaitility.Awaitility;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A real SSE client over the JDK HttpClient: collects every event a stream carries, as raw lines. */
public final class SseClient implements AutoCloseable {

    /** One event as it came over the wire; {@code id} null when the event had no id line. */
    public record Event(String id, String name, String data, List<String> lines) {
    }

    private final HttpResponse<Stream<String>> response;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        Thread reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient open(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .get(60, TimeUnit.SECONDS);
        return new SseClient(response);
    }

    public static SseClient open(URI uri) throws Exception {
        return open(uri, Map.of());
    }

    public HttpResponse<Stream<String>> response() {
        return response;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits for the first event (in arrival order) that matches. */
    public Event await(Predicate<Event> wanted) {
        return await(wanted, Duration.ofSeconds(60));
    }

    public Event await(Predicate<Event> wanted, Duration atMost) {
        return Awaitility.await().atMost(atMost)
                .until(() -> events.stream().filter(wanted).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    public static Predicate<Event> named(String name) {
        return event -> name.equals(event.name());
    }

    public static Predicate<Event> named(String name, String containing) {
        return event -> name.equals(event.name()) && event.data() != null && event.data().contains(containing);
    }

    private void read() {
        String id = null;
        String name = null;
        StringBuilder data = null;
        List<String> raw = new ArrayList<>();
        try (Stream<String> body = response.body()) {
            for (String line : (Iterable<String>) body::iterator) {
                lines.add(line);
                if (line.isEmpty()) {
                    if (name != null || data != null || id != null) {
                        events.add(new Event(id, name, data == null ? null : data.toString(), List.copyOf(raw)));
                    }
                    id = null;
                    name = null;
                    data = null;
                    raw = new ArrayList<>();
                    continue;
                }
                raw.add(line);
                if (line.startsWith(":")) {
                    continue;
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
            }
        } catch (RuntimeException closed) {
            // the test closed the stream
        }
    }

    @Override
    public void close() {
        response.body().close();
    }
}
