package io.imgboard.infra.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.infra.Ports;
import io.imgboard.infra.Sleeper;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Real headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol with the JDK's
 * own HttpClient and WebSocket: open a page, evaluate JavaScript in it. No driver, no download.
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    /** The browser binary, when this machine has one. */
    public static Optional<String> binary() {
        for (String candidate : new String[]{"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (new File(candidate).canExecute()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static Chromium start(String width, String height) throws Exception {
        return new Chromium(width, height);
    }

    private Chromium(String width, String height) throws Exception {
        int port = Ports.free();
        profile = Files.createTempDirectory("imgboard-chromium-");
        process = new ProcessBuilder(binary().orElseThrow(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=" + port,
                "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        URI list = URI.create("http://127.0.0.1:" + port + "/json/list");
        // A loaded machine can take a while to start a browser.
        String pageSocket = firstPage(http, list, Duration.ofSeconds(120));
        socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener()).get(30, TimeUnit.SECONDS);
    }

    private String firstPage(HttpClient http, URI list, Duration atMost) throws IOException {
        long deadline = System.nanoTime() + atMost.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("chromium exited (" + process.exitValue() + "); see " + profile.resolve("chromium.log"));
            }
            try {
                Optional<String> page = page(http, list);
                if (page.isPresent()) {
                    return page.get();
                }
            } catch (IOException e) {
                last = e; // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while chromium started", e);
            }
            Sleeper.pause(Duration.ofMillis(250));
        }
        throw new IOException("chromium showed no page within " + atMost + "; see " + profile.resolve("chromium.log"), last);
    }

    private static Optional<String> page(HttpClient http, URI list) throws IOException, InterruptedException {
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(list).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode target : targets) {
            if ("page".equals(target.path("type").asText())) {
                return Optional.of(target.path("webSocketDebuggerUrl").asText());
            }
        }
        return Optional.empty();
    }

    public void open(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    /** Runs {@code script} in every page opened from now on, before the page's own scripts. */
    public void beforeEveryPage(String script) throws Exception {
        call("Page.enable", Map.of());
        call("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
    }

    /** A real key press (keyDown + keyUp) as the browser's input pipeline delivers it. */
    public void press(String key, int keyCode) throws Exception {
        for (String type : new String[]{"keyDown", "keyUp"}) {
            call("Input.dispatchKeyEvent", Map.of("type", type, "key", key, "code", key,
                    "windowsVirtualKeyCode", keyCode, "nativeVirtualKeyCode", keyCode));
        }
    }

    /** Lays the page out as a screen of this size (CSS pixels), e.g. a 360 px phone. */
    public void viewport(int width, int height) throws Exception {
        call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", false));
    }

    /** The page's clocks run in this IANA time zone (e.g. {@code America/New_York}), as on a wall far from the server. */
    public void timezone(String zone) throws Exception {
        call("Emulation.setTimezoneOverride", Map.of("timezoneId", zone));
    }

    /** A PNG of what the page shows (the whole page when {@code fullPage}), written to {@code file}. */
    public void screenshot(Path file, boolean fullPage) throws Exception {
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", fullPage));
        Files.createDirectories(file.getParent());
        Files.write(file, java.util.Base64.getDecoder().decode(shot.path("data").asText()));
    }

    /** Every request from now on waits this long for its answer, as on a slow link (0 = no delay). */
    public void latency(long millis) throws Exception {
        call("Network.enable", Map.of());
        call("Network.emulateNetworkConditions", Map.of("offline", false, "latency", millis,
                "downloadThroughput", -1, "uploadThroughput", -1));
    }

    /**
     * What the page holds after a full garbage collection, from the DevTools protocol: the V8 heap in use
     * and its size, the DOM nodes and the JavaScript event listeners.
     */
    public Memory memory() throws Exception {
        call("HeapProfiler.collectGarbage", Map.of());
        JsonNode heap = call("Runtime.getHeapUsage", Map.of());
        JsonNode dom = call("Memory.getDOMCounters", Map.of());
        return new Memory(heap.path("usedSize").asLong(), heap.path("totalSize").asLong(),
                dom.path("nodes").asLong(), dom.path("jsEventListeners").asLong());
    }

    /** Figures of {@link #memory()}: bytes, and counts. */
    public record Memory(long usedHeap, long totalHeap, long nodes, long listeners) {
    }

    /** The value of a JavaScript expression in the page (null when it is undefined). */
    public JsonNode eval(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        return result.path("result").path("value");
    }

    private JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
                .get(10, TimeUnit.SECONDS);
        // Generous: on a loaded machine a navigation alone can take half a minute.
        JsonNode message = answer.get(90, TimeUnit.SECONDS);
        if (message.has("error")) {
            throw new IllegalStateException(method + ": " + message.get("error"));
        }
        return message.path("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    CompletableFuture<JsonNode> answer = message.has("id") ? pending.remove(message.get("id").asInt()) : null;
                    if (answer != null) {
                        answer.complete(message);
                    }
                } catch (IOException e) {
                    // not a message we asked for
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        socket.abort();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // Chromium's helper processes may still be writing the profile as it exits: a few passes.
        for (int pass = 0; pass < 3 && Files.exists(profile); pass++) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException raced) {
                // a file vanished under the walk: go round again
            }
        }
    }
}
