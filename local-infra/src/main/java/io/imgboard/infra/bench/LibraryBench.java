package io.imgboard.infra.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.imgboard.infra.InfraException;
import io.imgboard.infra.Layout;
import io.imgboard.infra.ProcessMemory;
import io.imgboard.infra.Services;
import io.imgboard.infra.Sleeper;
import io.imgboard.infra.chaos.ChaosStack;
import io.imgboard.infra.testing.SseClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./imgboard bench library}: a display starting on a large library. On a system of its own
 * ({@link ChaosStack}, as {@code ./imgboard up} runs it: the same JVM options), it writes
 * {@code --photos} catalog records shaped as the ledger publishes them (three renditions, a
 * placeholder the size the preprocessor makes, a name, a source) to {@code imgboard.catalog}, kills
 * the display and measures the one the supervisor starts: the time from its start to ready (it is
 * ready once it has read the catalog), its heap after a full collection against an empty display's,
 * and what a frame that connects gets (the first {@code page} event: its bytes and when it came).
 * Targets (issue "performance", catalog at scale): ready ≤ 60 s and heap ≤ 512 MB with 1,000,000
 * photos, a connect payload ≤ 200 KB. Speed is measured here, never asserted in tests.
 */
public final class LibraryBench {
    static final String USAGE = """
            usage: ./imgboard bench library [--photos N] [--keep]
              --photos N  catalog records written (1000000)
              --keep      keep the system's state folder and logs
            """;
    static final Duration READY_TARGET = Duration.ofSeconds(60);
    static final long HEAP_TARGET_MB = 512;
    static final int PAGE_TARGET_BYTES = 200 * 1024;
    /** A placeholder the preprocessor made for a 12 MP photo of the corpus: a WebP inside 32 px, 224 bytes. */
    private static final int PLACEHOLDER_BYTES = 224;
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(15);
    private static final int NEXT_WINDOWS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final String DISPLAY = "display-service";
    private static final Pattern HEAP_USED = Pattern.compile(
            "(?m)^\\s*(?:def new generation|tenured generation|garbage-first heap|ZHeap|Shenandoah)\\s.*?used (\\d+)K");

    private final int photos;
    private final boolean keep;
    private final Layout layout;
    private final PrintStream out;

    LibraryBench(int photos, boolean keep, Layout layout, PrintStream out) {
        this.photos = photos;
        this.keep = keep;
        this.layout = layout;
        this.out = out;
    }

    public static void main(String[] args) {
        int photos = 1_000_000;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--photos" -> photos = BenchArgs.number(args, ++i, 1, USAGE);
                case "--keep" -> keep = true;
                default -> BenchArgs.helpOrUnknown(args[i], USAGE);
            }
        }
        try {
            Result result = new LibraryBench(photos, keep, Layout.find(), System.out).run();
            System.exit(result.ready() ? 0 : 1);
        } catch (InfraException | IllegalStateException e) {
            System.err.println("imgboard bench library: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * What one run measured; {@code readySeconds} is NaN when the display never became ready (then
     * {@code restarts} says how often it died on the way, e.g. out of heap).
     */
    record Result(int photos, double readySeconds, int restarts, long emptyHeapKb, long heapKb, long rssMb,
                  int pageBytes, int pagePhotos, long pageMillis, double nextMillis) {
        boolean ready() {
            return !Double.isNaN(readySeconds);
        }

        long bytesPerPhoto() {
            return photos == 0 ? 0 : (heapKb - emptyHeapKb) * 1024 / photos;
        }
    }

    Result run() {
        try (ChaosStack stack = ChaosStack.start(layout, out, "library")) {
            if (keep) {
                stack.keep();
            }
            long emptyHeap = heapAfterGc(displayPid(stack));
            out.printf(Locale.ROOT, "an empty display: heap %d MB after a full collection%n", emptyHeap >> 10);
            long began = System.nanoTime();
            write(stack.kafkaBootstrap());
            out.printf(Locale.ROOT, "%,d catalog records written in %.1f s%n", photos, (System.nanoTime() - began) / 1e9);

            long killed = displayPid(stack);
            ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
            Started started = awaitReady(stack, killed);
            if (started.readyAt == null) {
                out.printf(Locale.ROOT, "the display was not ready within %d min; it died %d times on the way (see %s)%n",
                        READY_TIMEOUT.toMinutes(), started.restarts, stack.log(DISPLAY));
                Result result = new Result(photos, Double.NaN, started.restarts, emptyHeap, 0, 0, 0, 0, 0, Double.NaN);
                print(result);
                return result;
            }
            double readySeconds = Duration.between(started.startedAt, started.readyAt).toMillis() / 1000.0;
            long heap = heapAfterGc(started.pid);
            long rss = ProcessMemory.residentKb(started.pid).orElse(0) / 1024;
            long connect = System.nanoTime();
            String page;
            try (SseClient frame = SseClient.open(URI.create(stack.url(DISPLAY) + "/api/v1/events"))) {
                page = frame.await(SseClient.named("page"), Duration.ofMinutes(2)).data();
            }
            long pageMillis = (System.nanoTime() - connect) / 1_000_000;
            JsonNode first = JSON.readTree(page);
            double nextMillis = advance(stack, first);
            Result result = new Result(photos, readySeconds, started.restarts, emptyHeap, heap, rss,
                    page.getBytes(StandardCharsets.UTF_8).length, first.path("photos").size(), pageMillis, nextMillis);
            print(result);
            return result;
        } catch (IOException e) {
            throw new InfraException("library bench: " + e.getMessage(), e);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new InfraException("library bench: " + e, e);
        }
    }

    private void print(Result r) {
        out.println();
        out.printf(Locale.ROOT, "library of %,d photos, one display (its JVM as ./imgboard up starts it):%n", r.photos());
        if (!r.ready()) {
            out.printf(Locale.ROOT, "  ready: never (target ≤ %d s): NOT met%n", READY_TARGET.toSeconds());
            return;
        }
        out.printf(Locale.ROOT, "  ready %.1f s after its start, having read the catalog (target ≤ %d s: %.2f× the target): %s%n",
                r.readySeconds(), READY_TARGET.toSeconds(), r.readySeconds() / READY_TARGET.toSeconds(),
                PipelineBench.met(r.readySeconds() <= READY_TARGET.toSeconds()));
        out.printf(Locale.ROOT, "  heap after a full collection %d MB, an empty display's %d MB: %,d bytes per photo"
                        + " (target ≤ %d MB: %.2f× the target): %s%n",
                r.heapKb() >> 10, r.emptyHeapKb() >> 10, r.bytesPerPhoto(), HEAP_TARGET_MB,
                (r.heapKb() >> 10) / (double) HEAP_TARGET_MB, PipelineBench.met(r.heapKb() >> 10 <= HEAP_TARGET_MB));
        out.printf(Locale.ROOT, "  RSS %d MB; died on the way: %d times%n", r.rssMb(), r.restarts());
        out.printf(Locale.ROOT, "  a frame connects: page of %d photos, %,d bytes (target ≤ %,d: %s), after %d ms%n",
                r.pagePhotos(), r.pageBytes(), PAGE_TARGET_BYTES, PipelineBench.met(r.pageBytes() <= PAGE_TARGET_BYTES),
                r.pageMillis());
        out.printf(Locale.ROOT, "  the frame's next windows (/next after its last photo, %d times): median %.0f ms each%n",
                NEXT_WINDOWS, r.nextMillis());
    }

    /**
     * A frame moving through its bag: {@link #NEXT_WINDOWS} times {@code /next} after the last photo of the
     * window it has (each moves the bag, so none is answered from the display's cache); the median in ms.
     */
    private static double advance(ChaosStack stack, JsonNode page) throws IOException, InterruptedException {
        List<Long> took = new ArrayList<>();
        JsonNode window = page;
        for (int i = 0; i < NEXT_WINDOWS && window.path("photos").size() > 0; i++) {
            JsonNode photos = window.path("photos");
            String after = photos.get(photos.size() - 1).path("photoId").asText();
            long start = System.nanoTime();
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(stack.url(DISPLAY)
                    + "/api/v1/frames/default/next?limit=100&after=" + after + "&round=" + window.path("round").asLong()))
                    .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
            took.add((System.nanoTime() - start) / 1_000_000);
            if (answer.statusCode() != 200) {
                throw new InfraException("/next answered " + answer.statusCode() + ": " + answer.body());
            }
            window = JSON.readTree(answer.body());
        }
        return PipelineBench.median(took);
    }

    /** Records as the ledger publishes them: three renditions, a placeholder, a name and a source each. */
    private void write(String bootstrap) throws IOException {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Random random = new Random(photos);
        Instant firstShot = Instant.parse("2010-01-01T00:00:00Z");
        Instant now = Instant.now();
        byte[] placeholder = new byte[PLACEHOLDER_BYTES];
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < photos; i++) {
                UUID id = new UUID(random.nextLong(), random.nextLong());
                random.nextBytes(placeholder);
                List<Rendition> renditions = List.of(
                        rendition(id, "display", 1440, 1080, 90_000 + random.nextInt(40_000)),
                        rendition(id, "uhd", 2880, 2160, 300_000 + random.nextInt(90_000)),
                        rendition(id, "thumb", 480, 360, 10_000 + random.nextInt(5_000)));
                PhotoPublished record = new PhotoPublished(new UUID(random.nextLong(), random.nextLong()), now, id,
                        String.format(Locale.ROOT, "%016x%016x%016x%016x", random.nextLong(), random.nextLong(),
                                random.nextLong(), random.nextLong()),
                        renditions, 4032, 3024, firstShot.plusSeconds(i * 450L),
                        "data:image/webp;base64," + Base64.getEncoder().encodeToString(placeholder),
                        String.format(Locale.ROOT, "IMG_%07d.JPG", i), now, List.of("folder:library"), List.of());
                producer.send(new ProducerRecord<>(Topics.CATALOG, id.toString(), json.writeValueAsString(record)));
            }
            producer.flush();
        }
    }

    private static Rendition rendition(UUID id, String name, int width, int height, long bytes) {
        return new Rendition(name, Rendition.keyFor(id, name), width, height, bytes);
    }

    private record Started(long pid, Instant startedAt, Instant readyAt, int restarts) {
    }

    /** The display the supervisor starts after {@code killed}, until it is ready; each new pid on the way counts a death. */
    private Started awaitReady(ChaosStack stack, long killed) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        long pid = killed;
        int restarts = -1;
        Instant startedAt = null;
        while (System.nanoTime() < deadline) {
            Long current = stack.pids().get(DISPLAY);
            if (current != null && current != pid && ProcessHandle.of(current).isPresent()) {
                pid = current;
                restarts++;
                startedAt = ProcessHandle.of(current).flatMap(p -> p.info().startInstant()).orElse(Instant.now());
                out.printf(Locale.ROOT, "display started (pid %d)%n", pid);
            }
            if (startedAt != null && ready(stack)) {
                Instant readyAt = Instant.now();
                return new Started(pid, startedAt, readyAt, restarts);
            }
            Sleeper.pause(Duration.ofMillis(200));
        }
        return new Started(pid, startedAt, null, Math.max(0, restarts));
    }

    private static boolean ready(ChaosStack stack) {
        return Services.isReady(URI.create(stack.url(DISPLAY)).getPort());
    }

    private static long displayPid(ChaosStack stack) {
        Long pid = stack.pids().get(DISPLAY);
        if (pid == null) {
            throw new IllegalStateException("the display is not running");
        }
        return pid;
    }

    /** The live heap in KB: a full collection ({@code jcmd GC.run}), then the generations' use ({@code GC.heap_info}). */
    static long heapAfterGc(long pid) {
        jcmd(pid, "GC.run");
        Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        long kb = 0;
        while (used.find()) {
            kb += Long.parseLong(used.group(1));
        }
        return kb;
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new InfraException("jcmd " + pid + " " + command + " failed: " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new InfraException("cannot run jcmd (a JDK's, not a JRE's): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("interrupted while running jcmd", e);
        }
    }
}
