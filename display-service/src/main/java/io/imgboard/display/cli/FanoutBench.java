package io.imgboard.display.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./imgboard bench fanout}: against a display {@code ./imgboard up} runs, N SSE clients (10,000)
 * of one frame in this JVM ({@link FanoutClients}: one thread, non-blocking), then
 * <ol>
 *   <li>the display's RSS per client: (RSS with N clients − RSS idle) / N, target ≤ 10 KB;</li>
 *   <li>an {@code add} published on the real catalog topic, as the ledger does, several rounds: when it
 *       reached the first, the median and the last client after the send; target last − first ≤ 150 ms;</li>
 *   <li>the open-file limit: more clients until the display refuses them (or the limit), then one more
 *       {@code add} must reach every stream still open, and the display must still be the same process;</li>
 *   <li>a reconnect storm ({@code --storm}, only under {@code ./imgboard up}'s supervisor): the display is
 *       killed, and all N clients reconnect at once as soon as it listens again; the time until every one
 *       has its first event again, and that an {@code add} then reaches all of them.</li>
 * </ol>
 * The reference is img-board's Node server (12 KB per client, last − first 136–191 ms). Every photo the
 * bench published is retired at the end.
 *
 * <pre>
 * FanoutBench [--clients N] [--rounds R] [--addresses A] [--no-fill] [--storm] [--histogram] [--pid PID]
 * </pre>
 * The display from IMGBOARD_DISPLAY_URL (http://127.0.0.1:$IMGBOARD_DISPLAY_PORT, 8080); Kafka from
 * KAFKA_BOOTSTRAP_SERVERS (127.0.0.1:$IMGBOARD_KAFKA_PORT, 9092); the display's process is the one
 * listening on its port (or {@code --pid}).
 */
public final class FanoutBench {
    static final double TARGET_KB_PER_CLIENT = 10;
    static final double TARGET_SPREAD_MS = 150;
    /** Selector threads of the client: one per core, so the client is not what the spread measures. */
    static final int CLIENT_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    static final String REFERENCE = "img-board (Node): 12 KB per client, last − first 136–191 ms";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final URI display;
    private final KafkaProducer<String, String> producer;
    private final List<UUID> published = new ArrayList<>();
    private long pid;

    private FanoutBench(URI display, String bootstrap, long pid) {
        this.display = display;
        this.pid = pid;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new StringSerializer());
    }

    public static void main(String[] args) throws Exception {
        int clients = 10_000;
        int rounds = 5;
        int addresses = 32;
        boolean fill = true;
        boolean storm = false;
        boolean histogram = false;
        long pid = 0;
        String usage = "usage: ./imgboard bench fanout [--clients N] [--rounds R] [--addresses A] [--no-fill] [--storm] [--histogram] [--pid PID]";
        int i = 0;
        try {
            for (; i < args.length; i++) {
                switch (args[i]) {
                    case "--clients" -> clients = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--addresses" -> addresses = Integer.parseInt(args[++i]);
                    case "--no-fill" -> fill = false;
                    case "--storm" -> storm = true;
                    case "--histogram" -> histogram = true;
                    case "--pid" -> pid = Long.parseLong(args[++i]);
                    default -> {
                        System.err.println("unknown option '" + args[i] + "'\n" + usage);
                        System.exit(2);
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            // i is at the value that was missing or not a number, the option just before it.
            System.err.println("'" + args[i - 1] + "' " + (e instanceof NumberFormatException
                    ? "needs a whole number, not '" + args[i] + "'" : "needs a value") + "\n" + usage);
            System.exit(2);
        }
        String url = System.getenv("IMGBOARD_DISPLAY_URL");
        URI display = URI.create(url != null ? url : "http://127.0.0.1:" + env("IMGBOARD_DISPLAY_PORT", "8080"));
        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap == null) {
            bootstrap = "127.0.0.1:" + env("IMGBOARD_KAFKA_PORT", "9092");
        }
        if (pid == 0) {
            pid = ProcessFinder.listening(display.getPort());
        }
        FanoutBench bench = new FanoutBench(display, bootstrap, pid);
        try {
            bench.run(clients, rounds, addresses, fill, storm, histogram);
        } finally {
            bench.cleanUp();
        }
    }

    private void run(int n, int rounds, int addresses, boolean fill, boolean storm, boolean histogram) throws Exception {
        System.out.printf("bench fanout: display %s (pid %d, open-file limit %s), %,d clients from %d loopback addresses; %s%n",
                display, pid, ProcessFinder.openFileLimit(pid), n, addresses, REFERENCE);
        // A first add, so the display has done one before the idle figure (class loading, JIT, buffers).
        publish();
        long idle = ProcessFinder.rssKb(pid);
        try (FanoutClients frames = new FanoutClients(display.getHost(), display.getPort(), "/api/v1/events?frame=default", addresses, CLIENT_THREADS)) {
            long t0 = System.nanoTime();
            frames.connect(n, 256, Duration.ofMinutes(3));
            FanoutClients.await(() -> frames.withFirstEvent() >= frames.streaming(), Duration.ofSeconds(60));
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("connected %,d of %,d in %.1f s (refused %d, failed %d)%s%n", frames.streaming(), n, connectSeconds,
                    frames.refused(), frames.failed(), frames.refused() > 0 ? ": " + frames.lastRefusal() : "");
            if (frames.streaming() == 0) {
                throw new IllegalStateException("no client could connect");
            }
            FanoutClients.await(() -> false, Duration.ofSeconds(3)); // let the display settle
            long loaded = ProcessFinder.rssKb(pid);
            double perClient = (loaded - idle) * 1024.0 / frames.streaming() / 1000;
            System.out.printf("display RSS idle %,d MB, with %,d clients %,d MB: %.1f KB per client (target ≤ %.0f KB: %.2f×; Node 12 KB: %.2f×)%n",
                    idle >> 10, frames.streaming(), loaded >> 10, perClient, TARGET_KB_PER_CLIENT,
                    perClient / TARGET_KB_PER_CLIENT, perClient / 12);
            if (histogram) {
                // Where the memory goes: the display's heap by class, with N streams open (jcmd of this JDK).
                Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
                List<String> lines = new String(jcmd.getInputStream().readAllBytes()).lines().toList();
                System.out.printf("display heap with %,d streams, top classes (jcmd GC.class_histogram):%n", frames.streaming());
                lines.stream().limit(32).forEach(line -> System.out.println("  " + line));
                lines.stream().filter(line -> line.startsWith("Total")).forEach(line -> System.out.println("  " + line));
            }

            List<double[]> times = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                times.add(addRound(frames, Duration.ofSeconds(30)));
            }
            double[] first = times.stream().mapToDouble(t -> t[0]).sorted().toArray();
            double[] median = times.stream().mapToDouble(t -> t[1]).sorted().toArray();
            double[] last = times.stream().mapToDouble(t -> t[2]).sorted().toArray();
            double[] spread = times.stream().mapToDouble(t -> t[2] - t[0]).sorted().toArray();
            System.out.printf("add → clients, median of %d rounds (ms after the send to Kafka): first %.0f, median %.0f, last %.0f;"
                            + " last − first %.0f ms (rounds %s; target ≤ %.0f ms: %.2f×; Node 136–191 ms: %.2f×)%n",
                    rounds, mid(first), mid(median), mid(last), mid(spread), Arrays.toString(Arrays.stream(spread).mapToLong(Math::round).toArray()),
                    TARGET_SPREAD_MS, mid(spread) / TARGET_SPREAD_MS, mid(spread) / 163.5);
            double[] writing = times.stream().mapToDouble(t -> t[4] - t[3]).sorted().toArray();
            System.out.printf("  the display's own account (median): wrote to %.0f streams from %.0f ms to %.0f ms after it read the record:"
                            + " its write loop %.0f ms of the %.0f ms spread the clients saw (rounds %s)%n",
                    mid(times.stream().mapToDouble(t -> t[5]).sorted().toArray()),
                    mid(times.stream().mapToDouble(t -> t[3]).sorted().toArray()),
                    mid(times.stream().mapToDouble(t -> t[4]).sorted().toArray()), mid(writing), mid(spread),
                    Arrays.toString(Arrays.stream(writing).mapToLong(Math::round).toArray()));
            double[] cpu = times.stream().mapToDouble(t -> t[6]).sorted().toArray();
            double[] queued = times.stream().mapToDouble(t -> t[7]).sorted().toArray();
            int cores = Runtime.getRuntime().availableProcessors();
            // Whatever the load, the spread cannot beat the loops' CPU time spread over the cores.
            System.out.printf("  the display's %d event loops in a round (median; /proc schedstat, less dependent on the load): %.0f ms on a CPU,"
                            + " %.1f µs per stream (≤ %.1f µs fits %.0f ms on %d idle cores); %.0f ms runnable, waiting for a CPU (rounds, CPU ms: %s)%n",
                    ProcessFinder.eventLoops(pid), mid(cpu), mid(cpu) * 1e3 / Math.max(1, frames.streaming()),
                    TARGET_SPREAD_MS * 1e3 * cores / Math.max(1, frames.streaming()), TARGET_SPREAD_MS, cores, mid(queued),
                    Arrays.toString(Arrays.stream(cpu).mapToLong(Math::round).toArray()));

            if (fill) {
                fillToLimit(frames, addresses);
            }
            if (storm) {
                storm(frames, n);
            }
        }
        if (ProcessFinder.alive(pid)) {
            System.out.printf("display RSS after the bench: %,d MB (pid %d)%n", ProcessFinder.rssKb(pid) >> 10, pid);
        } else {
            System.out.printf("display after the bench: GONE (pid %d ended; see its log)%n", pid);
        }
    }

    /** Publishes one add and returns when it reached the first, median and last open stream, in ms after the send. */
    private double[] addRound(FanoutClients frames, Duration timeout) throws Exception {
        UUID id = UUID.randomUUID();
        frames.expect(id.toString());
        long[] loopsBefore = ProcessFinder.eventLoopTimes(pid);
        long sent = System.nanoTime();
        publish(id);
        int open = frames.streaming();
        boolean all = FanoutClients.await(() -> frames.sawMarker() >= frames.streaming(), timeout);
        long[] loopsAfter = ProcessFinder.eventLoopTimes(pid); // before the metrics request below, which a loop serves
        long[] at = Arrays.stream(frames.markerTimes()).filter(t -> t != 0).sorted().toArray();
        if (!all || at.length == 0) {
            System.out.printf("  add reached only %,d of %,d open streams within %s%n", at.length, open, timeout);
            if (at.length == 0) {
                return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
            }
        }
        double[] display = displayFanout();
        return new double[] {(at[0] - sent) / 1e6, (at[at.length / 2] - sent) / 1e6, (at[at.length - 1] - sent) / 1e6,
                display[1] * 1e3, display[2] * 1e3, display[0],
                (loopsAfter[0] - loopsBefore[0]) / 1e6, (loopsAfter[1] - loopsBefore[1]) / 1e6};
    }

    /**
     * The display's own account of the last change it wrote ({@code imgboard_display_fanout_*} on
     * {@code /q/metrics}): streams, seconds from the change applied to the first loop writing it, to the
     * last stream written; NaN when it cannot be read.
     */
    private double[] displayFanout() {
        double[] values = {Double.NaN, Double.NaN, Double.NaN};
        try {
            java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(display.resolve("/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            for (String line : metrics.body().lines().toList()) {
                String[] parts = line.split(" ");
                int index = line.startsWith("imgboard_display_fanout_streams") ? 0
                        : line.startsWith("imgboard_display_fanout_start_seconds") ? 1
                        : line.startsWith("imgboard_display_fanout_written_seconds") ? 2 : -1;
                if (index >= 0 && parts.length > 1) {
                    values[index] = Double.parseDouble(parts[parts.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // an older display: the clients' figures only
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return values;
    }

    /**
     * More clients, 500 at a time, until a whole batch is refused or fails, or the display's open-file
     * limit plus 500 is reached; then an add must still reach every open stream, on the same process.
     */
    private void fillToLimit(FanoutClients frames, int addresses) throws Exception {
        String limit = ProcessFinder.openFileLimit(pid);
        int max = (limit.matches("[0-9]+") ? Integer.parseInt(limit) : 20_000) + 500 - frames.streaming();
        long t0 = System.nanoTime();
        try (FanoutClients more = new FanoutClients(display.getHost(), display.getPort(), "/api/v1/events?frame=default", addresses, CLIENT_THREADS)) {
            int tried = 0;
            while (tried < max) {
                int before = more.streaming();
                more.connect(Math.min(500, max - tried), 256, Duration.ofSeconds(60));
                tried += Math.min(500, max - tried);
                if (more.streaming() == before) {
                    break;
                }
            }
            FanoutClients.await(() -> more.withFirstEvent() >= more.streaming(), Duration.ofSeconds(30));
            long alive = ProcessFinder.alive(pid) ? pid : 0;
            System.out.printf("open-file limit %s: %,d more clients tried in %.1f s: %,d streaming (%,d in all), %,d refused%s, %,d failed to connect, %,d streams closed by the display; display %s%n",
                    limit, tried, (System.nanoTime() - t0) / 1e9, more.streaming(), more.streaming() + frames.streaming(),
                    more.refused(), more.refused() > 0 ? " (" + more.lastRefusal() + ")" : "", more.failed(),
                    more.closed() + frames.closed(), alive != 0 ? "still running (pid " + pid + ", RSS " + (ProcessFinder.rssKb(pid) >> 10) + " MB)" : "GONE");
            if (alive == 0) {
                return;
            }
            UUID id = UUID.randomUUID();
            frames.expect(id.toString());
            more.expect(id.toString());
            publish(id);
            FanoutClients.await(() -> frames.sawMarker() + more.sawMarker() >= frames.streaming() + more.streaming(), Duration.ofSeconds(30));
            System.out.printf("at the limit an add reached %,d of %,d open streams%n",
                    frames.sawMarker() + more.sawMarker(), frames.streaming() + more.streaming());
        }
    }

    /** Kills the display; the supervisor starts it again; every client reconnects at once. */
    private void storm(FanoutClients frames, int n) throws Exception {
        frames.reconnectOnClose();
        int openedBefore = frames.opened();
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
        FanoutClients.await(() -> frames.opened() > openedBefore, Duration.ofMinutes(3));
        double restarted = (System.nanoTime() - t0) / 1e9;
        boolean back = FanoutClients.await(() -> frames.streaming() >= n && frames.withFirstEvent() >= n, Duration.ofMinutes(3));
        double seconds = (System.nanoTime() - t0) / 1e9;
        frames.stopReconnecting();
        pid = ProcessFinder.listening(display.getPort());
        System.out.printf("reconnect storm: display killed, restarted by the supervisor (pid %d), first stream back %.1f s after the kill;"
                        + " %,d of %,d clients streaming again (with their first events) %s %.1f s after that%n",
                pid, restarted, frames.streaming(), n, back ? "within" : "only after", seconds - restarted);
        double[] t = addRound(frames, Duration.ofSeconds(30));
        System.out.printf("after the storm an add reached %,d of %,d: first %.0f ms, last %.0f ms%n",
                frames.sawMarker(), frames.streaming(), t[0], t[2]);
    }

    private void publish() throws Exception {
        publish(UUID.randomUUID());
    }

    private void publish(UUID id) throws Exception {
        Instant now = Instant.now();
        List<Rendition> renditions = Stream.of(new int[] {1440, 1080}, new int[] {2880, 2160}, new int[] {320, 240})
                .map(size -> new Rendition(size[0] == 320 ? "thumb" : size[0] == 1440 ? "display" : "uhd",
                        Rendition.keyFor(id, size[0] == 320 ? "thumb" : size[0] == 1440 ? "display" : "uhd"),
                        size[0], size[1], 100_000))
                .toList();
        PhotoPublished photo = new PhotoPublished(UUID.randomUUID(), now, id, "%064x".formatted(id.getLeastSignificantBits() & Long.MAX_VALUE),
                renditions, 4032, 3024, now, "data:image/webp;base64,UklGRg==", "FANOUT_" + id + ".JPG", now,
                List.of("upload:bench-fanout"), List.of());
        published.add(id);
        producer.send(new ProducerRecord<>(Topics.CATALOG, id.toString(), JSON.writeValueAsString(photo))).get(30, TimeUnit.SECONDS);
    }

    private void cleanUp() {
        try {
            for (UUID id : published) {
                producer.send(new ProducerRecord<>(Topics.CATALOG, id.toString(), null));
            }
            producer.flush();
        } finally {
            producer.close(Duration.ofSeconds(10));
        }
    }

    private static double mid(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The display's process, found through /proc (Linux). */
    static final class ProcessFinder {
        private ProcessFinder() {
        }

        /** The pid of the process listening on TCP {@code port}. */
        static long listening(int port) throws IOException {
            String hexPort = String.format(":%04X", port);
            List<String> inodes = new ArrayList<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path file = Path.of(table);
                if (!Files.exists(file)) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                        inodes.add("socket:[" + f[9] + "]");
                    }
                }
            }
            if (inodes.isEmpty()) {
                throw new IllegalStateException("nothing listens on port " + port + ": is ./imgboard up running?");
            }
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                    try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                        if (fds.anyMatch(fd -> {
                            try {
                                return inodes.contains(Files.readSymbolicLink(fd).toString());
                            } catch (IOException e) {
                                return false;
                            }
                        })) {
                            return Long.parseLong(proc.getFileName().toString());
                        }
                    } catch (IOException | SecurityException e) {
                        // another user's process, or gone
                    }
                }
            }
            throw new IllegalStateException("cannot tell which process listens on port " + port + ": pass --pid");
        }

        static long rssKb(long pid) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }

        static String openFileLimit(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
                    if (line.startsWith("Max open files")) {
                        return line.trim().split("\\s+")[3];
                    }
                }
            } catch (IOException e) {
                // unknown
            }
            return "unknown";
        }

        /**
         * The display's Vert.x event loops (the threads that write every stream): nanoseconds they ran on a
         * CPU and nanoseconds they were runnable but waited for one, summed ({@code /proc/<pid>/task/<tid>/schedstat}).
         */
        static long[] eventLoopTimes(long pid) {
            long[] times = new long[2];
            for (Path task : eventLoopTasks(pid)) {
                try {
                    String[] fields = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
                    times[0] += Long.parseLong(fields[0]);
                    times[1] += Long.parseLong(fields[1]);
                } catch (IOException | RuntimeException e) {
                    // a thread that ended
                }
            }
            return times;
        }

        static int eventLoops(long pid) {
            return eventLoopTasks(pid).size();
        }

        private static List<Path> eventLoopTasks(long pid) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                return tasks.filter(task -> {
                    try {
                        return Files.readString(task.resolve("comm")).startsWith("vert.x-eventloo"); // comm: 15 characters
                    } catch (IOException e) {
                        return false;
                    }
                }).toList();
            } catch (IOException e) {
                return List.of();
            }
        }

        static boolean alive(long pid) {
            return Files.exists(Path.of("/proc/" + pid));
        }
    }
}
