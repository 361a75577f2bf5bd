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
import java.util.stream.Stream;

/**
 * {@code ./imgboard chaos --soak 30m}: no faults, a steady stream of uploads (REST) and deletes
 * (the library stays at about {@link #KEPT} photos), and every process's resident memory and open
 * files sampled from {@code /proc} at a fixed interval. At the end each gets a least-squares slope
 * per hour over the samples after the warm-up (the first fifth, when heaps and pools are still
 * growing into their sizes); a process fails when it grows steadily (the line explains most of the
 * variation, R² ≥ 0.5) by more than 10 % of its mean per hour, or when it was restarted.
 */
public final class Soak {
    static final int KEPT = 30;
    private static final long MIN_RSS_GROWTH_KB = 16 * 1024;
    private static final double MIN_FD_GROWTH = 10;

    private final Duration duration;
    private final Duration sample;
    private final Duration every;
    private final long seed;
    private final Layout layout;
    private final PrintStream out;

    public Soak(Duration duration, Duration sample, Duration every, long seed, Layout layout, PrintStream out) {
        this.duration = duration;
        this.sample = sample;
        this.every = every;
        this.seed = seed;
        this.layout = layout;
        this.out = out;
    }

    record Sample(double hours, long pid, long rssKb, int fds) {
    }

    /** One process's trend: slope per hour, its share of the mean, and how well a line fits (R²). */
    record Trend(String name, double rssSlopeKbPerHour, double rssMeanKb, double rssR2, double fdSlopePerHour,
                 double fdMean, double fdR2, boolean restarted, int samples) {
        boolean rssGrows(Duration window) {
            double growth = rssSlopeKbPerHour * window.toMillis() / 3_600_000.0;
            return rssR2 >= 0.5 && rssSlopeKbPerHour > 0.10 * rssMeanKb && growth > MIN_RSS_GROWTH_KB;
        }

        boolean fdsGrow(Duration window) {
            double growth = fdSlopePerHour * window.toMillis() / 3_600_000.0;
            return fdR2 >= 0.5 && fdSlopePerHour > 0.10 * fdMean && growth > MIN_FD_GROWTH;
        }
    }

    /** Runs the soak and prints its table; true when nothing grew and nothing restarted. */
    public boolean run() {
        try (ChaosStack stack = ChaosStack.start(layout, out)) {
            Faults faults = new Faults(stack.state, Duration.ZERO, stack.ports().values());
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            Instant began = Instant.now();
            Instant end = began.plus(duration);
            Instant nextSample = began;
            Instant nextUpload = began;
            Deque<String> kept = new ArrayDeque<>();
            int index = 0;
            int uploaded = 0;
            int deleted = 0;
            int refused = 0;
            out.printf("chaos: soak for %d min: one upload every %d ms, deletes keep %d photos, samples every %d s%n",
                    duration.toMinutes(), every.toMillis(), KEPT, sample.toSeconds());
            while (Instant.now().isBefore(end)) {
                Instant now = Instant.now();
                if (!now.isBefore(nextSample)) {
                    double hours = Duration.between(began, now).toMillis() / 3_600_000.0;
                    faults.pids().forEach((name, pid) -> sample(pid).ifPresent(s ->
                            samples.computeIfAbsent(name, k -> new ArrayList<>())
                                    .add(new Sample(hours, pid, s[0], (int) s[1]))));
                    nextSample = nextSample.plus(sample);
                }
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
            out.printf("%nsoak, seed %d, %d min: %d uploads answered 2xx, %d not, %d deletes%n", seed,
                    duration.toMinutes(), uploaded, refused, deleted);
            boolean passed = true;
            Duration window = Duration.ofMillis(duration.toMillis() * 4 / 5);
            out.printf("  %-22s %8s %14s %6s %10s %12s %6s  %s%n", "process", "samples", "RSS MB/h", "R²", "RSS MB",
                    "fds/h", "R²", "verdict");
            for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
                Trend trend = trend(entry.getKey(), entry.getValue());
                boolean grows = trend.rssGrows(window) || trend.fdsGrow(window);
                String verdict = trend.restarted() ? "RESTARTED" : grows ? "GROWS" : "flat";
                passed &= !trend.restarted() && !grows;
                out.printf("  %-22s %8d %+14.1f %6.2f %10.0f %+12.1f %6.2f  %s%n", trend.name(), trend.samples(),
                        trend.rssSlopeKbPerHour() / 1024, trend.rssR2(), trend.rssMeanKb() / 1024, trend.fdSlopePerHour(),
                        trend.fdR2(), verdict);
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
    static java.util.Optional<long[]> sample(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long rss = -1;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            long fds;
            try (Stream<Path> open = Files.list(proc.resolve("fd"))) {
                fds = open.count();
            }
            return rss < 0 ? java.util.Optional.empty() : java.util.Optional.of(new long[] {rss, fds});
        } catch (IOException | RuntimeException gone) {
            return java.util.Optional.empty(); // restarting right now
        }
    }

    static Trend trend(String name, List<Sample> all) {
        List<Sample> used = all.subList(all.size() / 5, all.size());
        boolean restarted = all.stream().map(Sample::pid).distinct().count() > 1;
        double[] rss = fit(used.stream().mapToDouble(Sample::hours).toArray(), used.stream().mapToDouble(Sample::rssKb).toArray());
        double[] fds = fit(used.stream().mapToDouble(Sample::hours).toArray(), used.stream().mapToDouble(Sample::fds).toArray());
        return new Trend(name, rss[0], rss[1], rss[2], fds[0], fds[1], fds[2], restarted, all.size());
    }

    /** Least squares: {slope, mean of y, R²}; a flat series (no variance) fits nothing and grows by nothing. */
    static double[] fit(double[] x, double[] y) {
        int n = x.length;
        if (n < 3) {
            return new double[] {0, n == 0 ? 0 : y[0], 0};
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
            return new double[] {0, my, 0};
        }
        double slope = sxy / sxx;
        return new double[] {slope, my, (sxy * sxy) / (sxx * syy)};
    }
}
