package io.imgboard.infra.bench;

import io.imgboard.infra.InfraException;
import io.imgboard.infra.Layout;
import io.imgboard.infra.ProcessMemory;
import io.imgboard.infra.chaos.ChaosStack;
import io.imgboard.infra.testing.SseClient;
import org.apache.commons.io.FileUtils;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code ./imgboard bench pipeline}: on a system of its own ({@link ChaosStack}: Kafka, PostgreSQL,
 * the S3 server and the four services as {@code ./imgboard up} runs them, free ports, a temporary
 * state folder), measures what a person at a frame feels:
 * <ol>
 *   <li>the first upload after start-up → its SSE {@code add} (target ≤ 2 s);</li>
 *   <li>warm uploads one at a time → {@code add}, p50/p95/p99 (targets p50 ≤ 0.7 s, p99 ≤ 2 s);</li>
 *   <li>a burst of the corpus's 12 MP photos uploaded together → the last {@code add} (target ≤ 4 s
 *       for 28), and the pipeline's photos per second against the imaging core alone on the same
 *       files, measured afterwards in the same run (target ≥ 0.85). Then, once every rendition of
 *       the first burst is stored, a second burst of as many other shots: the system a little later
 *       in its life, with no earlier photo's renditions queued and its JIT further along (not done:
 *       each burst prints the compilers' share of the CPU).</li>
 * </ol>
 * Each upload is followed through the services by their own timestamps ({@link Hops}): the Kafka
 * record timestamps of every topic on its way and the preprocessor's per-photo timeline log, so a
 * table of medians per hop shows where the time goes. The photos are the benchmark corpus's 12 MP
 * JPEGs (for the burst) and distinct shots made from it once with {@code vips} (the warm and cold
 * uploads): every upload is a new photo, never a duplicate or a near-duplicate the ledger would fold.
 * Speed is measured here, never asserted in tests.
 */
public final class PipelineBench {
    static final String USAGE = """
            usage: ./imgboard bench pipeline [--warm N] [--burst N] [--bursts N] [--parallel N] [--during-reprocess N]
                                             [--corpus DIR] [--no-core] [--keep]
              --warm N      warm uploads, one at a time (30)
              --burst N     corpus photos uploaded together (28, all the 12 MP JPEGs of the corpus)
              --bursts N    bursts one after another, each once the one before is stored (2; the later
                            ones are distinct shots made from the corpus, like the warm uploads)
              --parallel N  uploads in flight during the burst (4)
              --during-reprocess N  uploads one at a time while the whole library is reprocessed (10)
              --corpus DIR  the benchmark corpus (/tmp/perfcorpus, else ./imgboard bench imaging's generated one)
              --no-core     skip the imaging core's own rate (no ratio)
              --keep        keep the system's state folder and logs
            """;
    private static final Duration ADD_TIMEOUT = Duration.ofSeconds(120);

    private final Options options;
    private final Layout layout;
    private final PrintStream out;

    record Options(int warm, int burst, int bursts, int parallel, int duringReprocess, Path corpus, boolean core, boolean keep) {
    }

    PipelineBench(Options options, Layout layout, PrintStream out) {
        this.options = options;
        this.layout = layout;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int warm = 30;
        int burst = 28;
        int bursts = 2;
        int parallel = 4;
        int duringReprocess = 10;
        Path corpus = null;
        boolean core = true;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warm" -> warm = BenchArgs.number(args, ++i, 0, USAGE);
                case "--burst" -> burst = BenchArgs.number(args, ++i, 0, USAGE);
                case "--bursts" -> bursts = BenchArgs.number(args, ++i, 1, USAGE);
                case "--parallel" -> parallel = BenchArgs.number(args, ++i, 1, USAGE);
                case "--during-reprocess" -> duringReprocess = BenchArgs.number(args, ++i, 0, USAGE);
                case "--corpus" -> corpus = Path.of(BenchArgs.value(args, ++i, USAGE));
                case "--no-core" -> core = false;
                case "--keep" -> keep = true;
                default -> BenchArgs.helpOrUnknown(args[i], USAGE);
            }
        }
        try {
            new PipelineBench(new Options(warm, burst, bursts, parallel, duringReprocess, corpus, core, keep), Layout.find(), System.out).run();
            System.exit(0);
        } catch (InfraException | IllegalStateException e) {
            System.err.println("imgboard bench pipeline: " + e.getMessage());
            System.exit(1);
        }
    }

    void run() throws Exception {
        int shots = options.warm() + 1 + options.duringReprocess();
        Corpus corpus = Corpus.prepare(options.corpus(),
                originals -> shots + Math.min(options.burst(), originals) * (options.bursts() - 1), out);
        int burstSize = Math.min(options.burst(), corpus.originals().size());
        List<Path> burst = corpus.originals().subList(0, burstSize);
        Result result = new Result();
        String load;
        try (ChaosStack stack = ChaosStack.start(layout, out, "pipeline")) {
            if (options.keep()) {
                stack.keep();
            }
            result.memoryIdle = ProcessMemory.ofTreesMb(stack.pids()); // up, warmed up and ready; nothing uploaded yet
            try (Hops hops = Hops.follow(stack.kafkaBootstrap(), stack.log("preprocessor-service"));
                 SseClient frame = SseClient.open(URI.create(stack.url("display-service") + "/api/v1/events"))) {
                List<Path> variants = corpus.variants();
                result.cold = upload(stack, hops, frame, variants.get(0));
                out.printf(Locale.ROOT, "first upload after start-up → add: %.2f s%n", result.cold.addSeconds());
                for (int i = 1; i <= options.warm(); i++) {
                    result.warm.add(upload(stack, hops, frame, variants.get(i)));
                }
                out.printf(Locale.ROOT, "%d warm uploads, one at a time: done%n", options.warm());
                if (!burst.isEmpty()) {
                    result.bursts.add(burst(stack, hops, frame, burst));
                    for (int i = 1; i < options.bursts(); i++) {
                        int from = shots + burstSize * (i - 1);
                        result.bursts.add(burst(stack, hops, frame, variants.subList(from, from + burstSize)));
                    }
                }
                if (options.duringReprocess() > 0) {
                    duringReprocess(stack, hops, frame, variants.subList(options.warm() + 1, shots), result);
                }
                load = loadAverage();
                result.memoryAfter = ProcessMemory.ofTreesMb(stack.pids());
            }
        }
        if (options.core() && !burst.isEmpty()) {
            result.coreRate = CoreRate.measure(layout, corpus.burstFolder(burst), out);
        }
        result.print(out, options, burst.size(), load);
    }

    /** One upload, then its add on the frame stream; the hops from the services' timestamps. */
    private Trip upload(ChaosStack stack, Hops hops, SseClient frame, Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        String sha = sha256(bytes);
        long sent = System.currentTimeMillis();
        HttpResponse<String> answer = stack.upload(file.getFileName().toString(), bytes);
        long answered = System.currentTimeMillis();
        if (answer.statusCode() / 100 != 2 || !answer.body().contains("created")) {
            throw new IllegalStateException("upload of " + file + " answered " + answer.statusCode() + ": " + answer.body());
        }
        long added = awaitAdd(hops, frame, sha, file);
        return new Trip(sha, sent, answered, added, hops);
    }

    private Burst burst(ChaosStack stack, Hops hops, SseClient frame, List<Path> files) throws Exception {
        Burst result = new Burst();
        List<byte[]> bytes = new ArrayList<>();
        for (Path file : files) {
            bytes.add(Files.readAllBytes(file));
        }
        ExecutorService uploads = Executors.newFixedThreadPool(options.parallel());
        try {
            Map<String, Long> cpuBefore = ProcessCpu.ofTrees(stack.pids());
            Map<String, Map<String, Long>> threadsBefore = threads(stack.pids());
            long began = System.currentTimeMillis();
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                String name = files.get(i).getFileName().toString();
                byte[] body = bytes.get(i);
                answers.add(uploads.submit(() -> stack.upload(name, body)));
            }
            for (int i = 0; i < answers.size(); i++) {
                HttpResponse<String> answer = answers.get(i).get();
                if (answer.statusCode() / 100 != 2 || !answer.body().contains("created")) {
                    throw new IllegalStateException("burst upload of " + files.get(i) + " answered " + answer.statusCode()
                            + ": " + answer.body());
                }
            }
            long lastAnswer = System.currentTimeMillis();
            long lastAdd = began;
            for (int i = 0; i < files.size(); i++) {
                String sha = sha256(bytes.get(i));
                long added = awaitAdd(hops, frame, sha, files.get(i));
                lastAdd = Math.max(lastAdd, added);
                result.trips.add(new Trip(sha, began, lastAnswer, added, hops));
            }
            // Read once the bench has seen the last add: a little after it came (the add itself is dated
            // when it reached the frame stream), so "to the last add" is a little high, never low.
            Map<String, Long> cpuAdded = ProcessCpu.ofTrees(stack.pids());
            Map<String, Map<String, Long>> threadsAdded = threads(stack.pids());
            cpuAdded.forEach((name, ms) -> result.cpuToAdd.put(name, ms - cpuBefore.getOrDefault(name, ms)));
            threadsAdded.forEach((name, ms) -> result.threadsToAdd.put(name,
                    ProcessCpu.since(threadsBefore.getOrDefault(name, Map.of()), ms)));
            result.seconds = (lastAdd - began) / 1000.0;
            result.answeredSeconds = (lastAnswer - began) / 1000.0;
            result.completeSeconds = (awaitStored(hops, result.trips) - began) / 1000.0;
            Map<String, Long> cpuAfter = ProcessCpu.ofTrees(stack.pids());
            cpuAfter.forEach((name, ms) -> result.cpuToComplete.put(name, ms - cpuBefore.getOrDefault(name, ms)));
            return result;
        } finally {
            uploads.shutdownNow();
        }
    }

    /**
     * When the last of these photos had every rendition stored (the preprocessor's timeline line),
     * waiting for the ones still in the making: with an early rendition the last add comes before that.
     */
    private static long awaitStored(Hops hops, List<Trip> trips) {
        long deadline = System.nanoTime() + ADD_TIMEOUT.toNanos();
        while (trips.stream().anyMatch(t -> t.timeline().stored == 0)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every photo of the burst was complete within " + ADD_TIMEOUT);
            }
            hops.awaitRecord(Duration.ofMillis(200));
        }
        return trips.stream().mapToLong(t -> t.timeline().stored).max().orElse(0);
    }

    /** When the frame stream carried the add of the photo with these bytes (found through the ledger's request). */
    private static long awaitAdd(Hops hops, SseClient frame, String sha, Path file) {
        long deadline = System.nanoTime() + ADD_TIMEOUT.toNanos();
        String photoId = null;
        while (photoId == null) {
            photoId = hops.photoId(sha);
            if (photoId == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ledger never asked for renditions of " + file + " (" + sha + ")");
                }
                hops.awaitRecord(Duration.ofMillis(200));
            }
        }
        String id = photoId;
        try {
            // When the add came, not when this looked: the photo id above may be learnt after the add came
            // (the bench's own Kafka reader is slow to its first record), and the burst's adds are looked
            // for one after another.
            return frame.awaitArrival(event -> "add".equals(event.name()) && event.data() != null
                    && event.data().contains(id), Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).atMillis();
        } catch (AssertionError timedOut) {
            throw new IllegalStateException("no add for " + file + " (photo " + id + ") within " + ADD_TIMEOUT);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * {@link ProcessCpu#byThread} of each JVM of the system (PostgreSQL's work is in its children), and
     * of this bench's own: its uploads and its frame share the two cores.
     */
    private static Map<String, Map<String, Long>> threads(Map<String, Long> pids) {
        Map<String, Map<String, Long>> threads = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            if (!"postgres".equals(name)) {
                threads.put(name, ProcessCpu.byThread(pid));
            }
        });
        threads.put("this bench", ProcessCpu.byThread(ProcessHandle.current().pid()));
        return threads;
    }

    /** One photo's way through the system, in epoch milliseconds. */
    record Trip(String sha, long sent, long answered, long added, Hops.Timeline timeline) {
        Trip(String sha, long sent, long answered, long added, Hops hops) {
            this(sha, sent, answered, added, hops.timeline(sha));
        }

        double addSeconds() {
            return (added - sent) / 1000.0;
        }
    }

    /**
     * An operator reprocesses the whole library (every photo made again, as after a change of the
     * rendition set) and new photos keep coming: uploads one at a time → {@code add} while the job runs.
     */
    private void duringReprocess(ChaosStack stack, Hops hops, SseClient frame, List<Path> files, Result result)
            throws Exception {
        HttpResponse<String> started = stack.reprocessAll();
        if (started.statusCode() != 202) {
            throw new IllegalStateException("the reprocess job did not start: " + started.statusCode() + " " + started.body());
        }
        long deadline = System.nanoTime() + ADD_TIMEOUT.toNanos();
        // The preprocessor is at it once two photos are settled (or the whole library, when it is smaller).
        for (com.fasterxml.jackson.databind.JsonNode job = stack.currentJob();
                job.path("done").asInt(0) + job.path("failed").asInt(0) < Math.min(2, job.path("total").asInt(2));
                job = stack.currentJob()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the reprocess job made no progress: " + job);
            }
            hops.awaitRecord(Duration.ofMillis(200));
        }
        for (Path file : files) {
            Trip trip = upload(stack, hops, frame, file);
            com.fasterxml.jackson.databind.JsonNode job = stack.currentJob();
            if ("running".equals(job.path("state").asText())) {
                result.duringReprocess.add(trip);
            }
            result.reprocessJob = job.path("done").asInt() + " of " + job.path("total").asInt() + " photos done, state "
                    + job.path("state").asText();
        }
    }

    /** One burst: its photos' trips, when they were all answered, shown and stored, and the CPU it took. */
    static final class Burst {
        final List<Trip> trips = new ArrayList<>();
        double seconds = Double.NaN;
        double answeredSeconds = Double.NaN;
        double completeSeconds = Double.NaN;
        final Map<String, Long> cpuToAdd = new LinkedHashMap<>();
        final Map<String, Long> cpuToComplete = new LinkedHashMap<>();
        final Map<String, Map<String, Long>> threadsToAdd = new LinkedHashMap<>();

        void print(PrintStream out, String label, Options options, int burst, double coreRate) {
            out.printf(Locale.ROOT, "  %s of %d × 12 MP, %d uploads in flight: all answered after %.2f s, last add after %.2f s"
                    + " (target ≤ 4 s for 28: %s)%n", label, burst, options.parallel(), answeredSeconds, seconds,
                    burst == 28 ? met(seconds <= 4) : "not judged, a burst of " + burst);
            double pipelineRate = burst / seconds;
            if (!Double.isNaN(coreRate)) {
                double ratio = pipelineRate / coreRate;
                out.printf(Locale.ROOT, "    throughput: pipeline %.2f photos/s, imaging core alone on the first burst's files %.2f"
                        + " images/s: ratio %.2f (target ≥ 0.85: %s)%n", pipelineRate, coreRate, ratio, met(ratio >= 0.85));
            } else {
                out.printf(Locale.ROOT, "    throughput: pipeline %.2f photos/s (imaging core not measured)%n", pipelineRate);
            }
            out.printf(Locale.ROOT, "    complete (every rendition of every photo stored) after %.2f s: %.2f photos/s%n",
                    completeSeconds, burst / completeSeconds);
            cpuLine(out, "to its last add", cpuToAdd, burst, seconds);
            cpuLine(out, "to complete", cpuToComplete, burst, completeSeconds);
            out.println("    the same to the last add by thread, ms per photo (each process's busiest; names as Linux keeps them):");
            threadsToAdd.forEach((process, threads) -> {
                StringBuilder line = new StringBuilder("      " + process + ":");
                threads.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .limit(6)
                        .filter(e -> e.getValue() / burst > 0)
                        .forEach(e -> line.append(' ').append(e.getKey()).append(' ').append(e.getValue() / burst).append(','));
                if (line.charAt(line.length() - 1) == ',') {
                    line.setLength(line.length() - 1);
                }
                out.println(line);
            });
        }
    }

    static final class Result {
        Trip cold;
        final List<Trip> duringReprocess = new ArrayList<>();
        String reprocessJob = "";
        final List<Trip> warm = new ArrayList<>();
        final List<Burst> bursts = new ArrayList<>();
        double coreRate = Double.NaN;
        Map<String, Long> memoryIdle = Map.of();
        Map<String, Long> memoryAfter = Map.of();

        void print(PrintStream out, Options options, int burst, String load) {
            out.println();
            out.printf(Locale.ROOT, "bench pipeline — load average at the end %s, %d cores%n", load,
                    Runtime.getRuntime().availableProcessors());
            List<Double> warmSeconds = new ArrayList<>(warm.stream().map(Trip::addSeconds).toList());
            Collections.sort(warmSeconds);
            out.printf(Locale.ROOT, "  first upload after start-up → add: %.2f s (target ≤ 2 s: %s)%n", cold.addSeconds(),
                    met(cold.addSeconds() <= 2));
            if (!warmSeconds.isEmpty()) {
                double p50 = percentile(warmSeconds, 50);
                double p95 = percentile(warmSeconds, 95);
                double p99 = percentile(warmSeconds, 99);
                out.printf(Locale.ROOT, "  upload → add, %d warm uploads one at a time: p50 %.2f s, p95 %.2f s, p99 %.2f s, max %.2f s"
                                + " (targets p50 ≤ 0.7 s: %s, p99 ≤ 2 s: %s)%n", warmSeconds.size(), p50, p95, p99,
                        warmSeconds.get(warmSeconds.size() - 1), met(p50 <= 0.7), met(p99 <= 2));
            }
            if (options.duringReprocess() > 0) {
                List<Double> seconds = new ArrayList<>(duringReprocess.stream().map(Trip::addSeconds).toList());
                Collections.sort(seconds);
                out.printf(Locale.ROOT, "  upload → add while the whole library is reprocessed, one at a time: %s (%d of %d uploads"
                                + " ended while the job ran; the job after the last: %s)%n",
                        seconds.isEmpty() ? "none ended while it ran" : String.format(Locale.ROOT, "p50 %.2f s, max %.2f s",
                                percentile(seconds, 50), seconds.get(seconds.size() - 1)),
                        seconds.size(), options.duringReprocess(), reprocessJob);
            }
            for (int i = 0; i < bursts.size(); i++) {
                bursts.get(i).print(out, i == 0 ? "burst" : "burst " + (i + 1), options, burst, coreRate);
            }
            out.println();
            out.println("  where the time goes (ms after the upload was sent; the services' own timestamps):");
            Hops.table(out, cold, warm);
            for (int i = 0; i < bursts.size(); i++) {
                Hops.burstLine(out, i == 0 ? "burst" : "burst " + (i + 1), bursts.get(i).trips);
            }
            out.println();
            out.println("  memory of each process with its children (MB; resident, a shared page split between the processes"
                    + " sharing it; the supervisor is this bench's own JVM):");
            memory(out, "idle after start-up", memoryIdle);
            memory(out, "idle after the run", memoryAfter);
        }
    }

    /** The CPU each process (with its children) used in a span of the burst, per photo, and how many cores that kept busy. */
    static void cpuLine(PrintStream out, String span, Map<String, Long> cpu, int burst, double seconds) {
        if (cpu.isEmpty()) {
            return;
        }
        StringBuilder line = new StringBuilder("    CPU from its start " + span + ", ms per photo:");
        long total = 0;
        for (Map.Entry<String, Long> e : cpu.entrySet()) {
            line.append(' ').append(e.getKey()).append(' ').append(e.getValue() / burst).append(',');
            total += e.getValue();
        }
        line.setLength(line.length() - 1);
        out.printf(Locale.ROOT, "%s; total %d (%.2f cores busy on average)%n", line, total / burst, total / 1000.0 / seconds);
    }

    /** One line of {@link ProcessMemory#ofTreesMb} figures, their total and the target for a stack at rest. */
    static void memory(PrintStream out, String when, Map<String, Long> mb) {
        if (mb.isEmpty()) {
            return;
        }
        StringBuilder line = new StringBuilder("    " + when + ":");
        mb.forEach((name, figure) -> line.append(' ').append(name).append(' ').append(figure).append(','));
        line.setLength(line.length() - 1);
        long total = mb.values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "%s; total %d (target ≤ %d idle: %s)%n", line, total, ProcessMemory.STACK_AT_REST_MB, met(total <= ProcessMemory.STACK_AT_REST_MB));
    }

    static String met(boolean met) {
        return met ? "met" : "NOT met";
    }

    static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static double median(List<Long> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}
