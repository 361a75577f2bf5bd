package io.imgboard.infra.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Layout;
import io.imgboard.infra.Sleeper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code ./imgboard chaos --soak 30m}: no faults, a steady stream of uploads (REST) and deletes
 * (the library stays at about {@link #KEPT} photos), and every process's resident memory and open
 * files sampled from {@code /proc} at a fixed interval. A JVM's resident memory is read right after
 * a full collection ({@link HeapProbe}, once a minute), with its live heap: what it keeps, not how
 * far its heap has grown towards {@code -Xmx} since the last collection (a young heap touches new
 * pages until its first full collection; that is growth, not a leak). At the end each process gets
 * a least-squares slope per hour over the samples after the warm-up ({@code --warm-up}, 10 minutes
 * at the same rate before the soak's duration, when heaps, pools and the JIT's code are still growing
 * into their sizes); a process fails when its memory, its live heap or its open files grow steadily
 * (the line explains most of the variation, R² ≥ 0.5) by more than 10 % of the mean per hour, or when
 * it was restarted. Under {@code ./imgboard chaos --soak} the JVMs also run with native memory
 * tracking, and the table is followed by where memory outside the heap grew (code cache, metaspace,
 * threads, or "untracked": native libraries and glibc's arenas).
 */
public final class Soak {
    static final int KEPT = 30;
    private static final long MIN_RSS_GROWTH_KB = 16 * 1024;
    private static final double MIN_FD_GROWTH = 10;
    private static final long MIN_HEAP_GROWTH_KB = 8 * 1024;
    static final Duration HEAP_EVERY = Duration.ofMinutes(1);

    private final Duration duration;
    private final Duration warmUp;
    private final Duration sample;
    private final Duration every;
    private final long seed;
    private final Layout layout;
    private final PrintStream out;

    public Soak(Duration duration, Duration warmUp, Duration sample, Duration every, long seed, Layout layout, PrintStream out) {
        this.duration = duration;
        this.warmUp = warmUp;
        this.sample = sample;
        this.every = every;
        this.seed = seed;
        this.layout = layout;
        this.out = out;
    }

    /** One reading; {@code liveKb} is the heap right after a full collection, -1 when none was made. */
    record Sample(double hours, long pid, long rssKb, int fds, long liveKb, Map<String, Long> nativeKb) {
        Sample(double hours, long pid, long rssKb, int fds) {
            this(hours, pid, rssKb, fds, -1, Map.of());
        }

        Sample(double hours, long pid, long rssKb, int fds, long liveKb) {
            this(hours, pid, rssKb, fds, liveKb, Map.of());
        }

        boolean afterCollection() {
            return liveKb >= 0;
        }
    }

    /** A least-squares line through a series: slope per hour, mean, and how well it fits (R²). */
    record Line(double slopePerHour, double mean, double r2) {
        static final Line NONE = new Line(0, 0, 0);

        boolean grows(Duration window, double minGrowth) {
            double growth = slopePerHour * window.toMillis() / 3_600_000.0;
            return r2 >= 0.5 && slopePerHour > 0.10 * mean && growth > minGrowth;
        }
    }

    /** One process's trends: resident memory, live heap (JVMs; {@link Line#NONE} otherwise), open files. */
    record Trend(String name, Line rss, Line live, Line fds, boolean restarted, int samples) {
        boolean rssGrows(Duration window) {
            return rss.grows(window, MIN_RSS_GROWTH_KB);
        }

        boolean liveGrows(Duration window) {
            return live.grows(window, MIN_HEAP_GROWTH_KB);
        }

        boolean fdsGrow(Duration window) {
            return fds.grows(window, MIN_FD_GROWTH);
        }

        boolean grows(Duration window) {
            return rssGrows(window) || liveGrows(window) || fdsGrow(window);
        }
    }

    /** Runs the soak and prints its table; true when nothing grew and nothing restarted. */
    public boolean run() {
        try (ChaosStack stack = ChaosStack.start(layout, out)) {
            Faults faults = new Faults(stack.state, Duration.ZERO, stack.ports().values());
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            Optional<HeapProbe> probe = HeapProbe.find(stack.state.root());
            Instant began = Instant.now();
            Instant end = began.plus(warmUp).plus(duration);
            Instant nextUpload = began;
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "soak-sampler");
                t.setDaemon(true);
                return t;
            });
            long heapEvery = Math.max(1, HEAP_EVERY.toMillis() / sample.toMillis());
            AtomicLong ticks = new AtomicLong();
            sampler.scheduleAtFixedRate(() -> {
                boolean collect = ticks.getAndIncrement() % heapEvery == 0;
                double hours = Duration.between(began, Instant.now()).toMillis() / 3_600_000.0;
                faults.pids().forEach((name, pid) -> {
                    Optional<HeapProbe.Reading> heap = collect ? probe.flatMap(p -> p.collect(pid)) : Optional.empty();
                    sample(pid).ifPresent(s -> {
                        synchronized (samples) {
                            samples.computeIfAbsent(name, k -> new ArrayList<>()).add(new Sample(hours, pid, s[0], (int) s[1],
                                    heap.map(HeapProbe.Reading::liveKb).orElse(-1L),
                                    heap.map(HeapProbe.Reading::nativeKb).orElse(Map.of())));
                        }
                    });
                });
            }, 0, sample.toMillis(), TimeUnit.MILLISECONDS);
            Deque<String> kept = new ArrayDeque<>();
            int index = 0;
            int uploaded = 0;
            int deleted = 0;
            int refused = 0;
            out.printf("chaos: soak for %d min after a %d min warm-up: one upload every %d ms, deletes keep %d photos, samples every %d s%n",
                    duration.toMinutes(), warmUp.toMinutes(), every.toMillis(), KEPT, sample.toSeconds());
            while (Instant.now().isBefore(end)) {
                Instant now = Instant.now();
                if (!now.isBefore(nextUpload)) {
                    nextUpload = nextUpload.plus(every);
                    byte[] jpeg = SeededPhotos.jpeg(seed, index);
                    String name = SeededPhotos.name(seed, index++);
                    try {
                        HttpResponse<String> answer = stack.upload(name, jpeg);
                        if (answer.statusCode() / 100 == 2) {
                            uploaded++;
                            kept.addLast(ChaosRun.sha256(jpeg));
                        } else {
                            refused++;
                        }
                    } catch (IOException e) {
                        refused++;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    try {
                        while (kept.size() > KEPT) {
                            JsonNode photo = ChaosStack.getJson(stack.url("ledger-service") + "/api/v1/photos/by-sha256/"
                                    + kept.peekFirst());
                            if (stack.deletePhoto(photo.path("photoId").asText()) / 100 != 2) {
                                break;
                            }
                            kept.removeFirst();
                            deleted++;
                        }
                    } catch (IOException e) {
                        // not yet known to the ledger: deleted on a later round
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                Sleeper.pause(Duration.ofMillis(100));
            }
            sampler.shutdownNow();
            out.printf("%nsoak, seed %d, %d min: %d uploads answered 2xx, %d not, %d deletes%n", seed,
                    duration.toMinutes(), uploaded, refused, deleted);
            out.println(probe.isPresent()
                    ? "  JVMs: resident memory and live heap right after a full collection (jcmd GC.run), once a minute"
                    : "  no jcmd next to java: resident memory as sampled, no live heap");
            boolean passed = true;
            Duration window = duration;
            double fromHours = warmUp.toMillis() / 3_600_000.0;
            out.printf("  %-22s %7s %10s %5s %8s %11s %5s %8s %8s %5s  %s%n", "process", "samples", "RSS MB/h", "R²",
                    "RSS MB", "live MB/h", "R²", "live MB", "fds/h", "R²", "verdict");
            synchronized (samples) {
                for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
                    Trend trend = trend(entry.getKey(), entry.getValue(), fromHours);
                    boolean grows = trend.grows(window);
                    String verdict = trend.restarted() ? "RESTARTED" : grows ? "GROWS" : "flat";
                    passed &= !trend.restarted() && !grows;
                    boolean jvm = trend.live() != Line.NONE;
                    out.printf("  %-22s %7d %+10.1f %5.2f %8.0f %11s %5s %8s %+8.1f %5.2f  %s%n", trend.name(),
                            trend.samples(), trend.rss().slopePerHour() / 1024, trend.rss().r2(), trend.rss().mean() / 1024,
                            jvm ? String.format("%+.1f", trend.live().slopePerHour() / 1024) : "-",
                            jvm ? String.format("%.2f", trend.live().r2()) : "-",
                            jvm ? String.format("%.0f", trend.live().mean() / 1024) : "-",
                            trend.fds().slopePerHour(), trend.fds().r2(), verdict);
                }
                out.println("  outside the heap, committed MB/h after the warm-up (native memory tracking; untracked = RSS − its total):");
                samples.forEach((name, list) -> {
                    String line = nativeTrends(list, fromHours);
                    if (!line.isEmpty()) {
                        out.printf("  %-22s %s%n", name, line);
                    }
                });
            }
            if (refused > uploaded / 100) {
                out.println("  more than 1 % of the uploads were not answered 2xx");
                passed = false;
            }
            out.println(passed ? "RESULT: flat" : "RESULT: FAILED");
            if (!passed) {
                stack.keep();
                out.println("chaos: state folder kept (logs in " + stack.state.root().resolve("logs") + ")");
            }
            return passed;
        }
    }

    /** Resident memory (kB, VmRSS) and open file descriptors of a process, from /proc. */
    static Optional<long[]> sample(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            java.util.OptionalLong rss = io.imgboard.infra.ProcessMemory.residentKb(pid);
            if (rss.isEmpty()) {
                return Optional.empty();
            }
            long fds;
            try (Stream<Path> open = Files.list(proc.resolve("fd"))) {
                fds = open.count();
            }
            return Optional.of(new long[] {rss.getAsLong(), fds});
        } catch (IOException | RuntimeException gone) {
            return Optional.empty(); // restarting right now
        }
    }

    /**
     * The trends after the warm-up fifth. A JVM's memory is judged on the readings taken right after
     * a full collection when there are any (the others show how far its heap has grown since).
     */
    static Trend trend(String name, List<Sample> all) {
        return trend(name, all, all.isEmpty() ? 0 : all.get(all.size() / 5).hours());
    }

    /** The trends of the samples from {@code fromHours} on (the warm-up's end). */
    static Trend trend(String name, List<Sample> all, double fromHours) {
        List<Sample> used = all.stream().filter(s -> s.hours() >= fromHours).toList();
        boolean restarted = all.stream().map(Sample::pid).distinct().count() > 1;
        List<Sample> collected = used.stream().filter(Sample::afterCollection).toList();
        List<Sample> memory = collected.size() >= 3 ? collected : used;
        Line rss = fit(memory.stream().mapToDouble(Sample::hours).toArray(), memory.stream().mapToDouble(Sample::rssKb).toArray());
        Line live = collected.size() >= 3
                ? fit(collected.stream().mapToDouble(Sample::hours).toArray(), collected.stream().mapToDouble(Sample::liveKb).toArray())
                : Line.NONE;
        Line fds = fit(used.stream().mapToDouble(Sample::hours).toArray(), used.stream().mapToDouble(Sample::fds).toArray());
        return new Trend(name, rss, live, fds, restarted, all.size());
    }

    /**
     * Each native memory category's slope (MB/h) over the readings after {@code fromHours}, the largest
     * first, with "untracked" (resident but not the JVM's own: glibc arenas, native libraries); empty
     * when the process ran without native memory tracking.
     */
    static String nativeTrends(List<Sample> all, double fromHours) {
        List<Sample> tracked = all.stream().filter(s -> s.hours() >= fromHours && s.nativeKb().containsKey("Total")).toList();
        if (tracked.size() < 3) {
            return "";
        }
        double[] hours = tracked.stream().mapToDouble(Sample::hours).toArray();
        Map<String, Double> slopes = new LinkedHashMap<>();
        for (String category : tracked.get(tracked.size() - 1).nativeKb().keySet()) {
            slopes.put(category, fit(hours, tracked.stream().mapToDouble(s -> s.nativeKb().getOrDefault(category, 0L)).toArray())
                    .slopePerHour() / 1024);
        }
        slopes.put("untracked", fit(hours, tracked.stream().mapToDouble(s -> s.rssKb() - s.nativeKb().get("Total")).toArray())
                .slopePerHour() / 1024);
        StringBuilder line = new StringBuilder();
        slopes.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .filter(e -> Math.abs(e.getValue()) >= 0.5 || e.getKey().equals("Total") || e.getKey().equals("untracked"))
                .forEach(e -> line.append(String.format("%s %+.1f  ", e.getKey(), e.getValue())));
        return line.toString().trim();
    }

    /** Least squares; a flat series (no variance) fits nothing and grows by nothing. */
    static Line fit(double[] x, double[] y) {
        int n = x.length;
        if (n < 3) {
            return new Line(0, n == 0 ? 0 : y[0], 0);
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0 || syy == 0) {
            return new Line(0, my, 0);
        }
        return new Line(sxy / sxx, my, (sxy * sxy) / (sxx * syy));
    }
}
