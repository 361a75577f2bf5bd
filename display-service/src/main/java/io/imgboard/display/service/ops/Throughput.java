package io.imgboard.display.service.ops;

import io.imgboard.display.config.NeighboursConfig;
import io.imgboard.display.config.OpsConfig;
import io.imgboard.display.service.UpstreamHttp;
import io.imgboard.display.service.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Photos per minute through each stage, for the ops page's plot: uploads received, files found by
 * folder sources, photos processed, and failures. The counts are the services' own Micrometer
 * counters, read from their {@code /q/metrics} every {@code imgboard.ops.scrape-interval}; the display
 * keeps the differences in two ring buffers: one point per scrape for the last ten minutes and one
 * per minute for the last hour. Nothing is persisted, so a restarted display starts an empty plot
 * (the services' counters are its baseline), and the report says since when it counts. No service
 * keeps these counts by time: the counters are totals since each service started, the ledger keeps a
 * photo's state, not every processing of it, so the hour before a restart cannot be read back.
 */
@ApplicationScoped
public class Throughput {
    /** The plotted stages, in the page's order. */
    public static final List<String> STAGES = List.of("uploads", "files found", "processed", "failed");
    static final Duration RECENT = Duration.ofMinutes(10);
    static final int MINUTES = 60;

    /** One counter (summed over the samples that carry {@code labels}) that feeds a stage. */
    record Source(String service, String metric, Map<String, String> labels) {
    }

    /** Which counters make up each stage, index by index with {@link #STAGES}. */
    static final List<List<Source>> SOURCES = List.of(
            List.of(new Source(Upstreams.INGEST, "imgboard_uploads_total", Map.of())),
            List.of(new Source(Upstreams.INGEST, "imgboard_source_files_total", Map.of())),
            List.of(new Source(Upstreams.PREPROCESSOR, "imgboard_preprocessor_results_total", Map.of("outcome", "processed"))),
            List.of(new Source(Upstreams.PREPROCESSOR, "imgboard_preprocessor_results_total", Map.of("outcome", "failed")),
                    new Source(Upstreams.PREPROCESSOR, "imgboard_preprocessor_results_total", Map.of("outcome", "refused")),
                    new Source(Upstreams.INGEST, "imgboard_uploads_total", Map.of("status", "failed")),
                    new Source(Upstreams.INGEST, "imgboard_source_files_total", Map.of("outcome", "failed"))));

    /** Points for uPlot: {@code time} in epoch seconds, one array per stage. */
    public record Series(List<Long> time, List<List<Double>> values) {
    }

    /** How the last read of one service went. */
    public record Scrape(String service, String url, Instant at, boolean ok, String error) {
    }

    /**
     * {@code recent}: per-minute rates at each scrape; {@code minutes}: counts per whole minute (the
     * current one still filling); {@code lastHour}: the sum of {@code minutes} per stage; {@code since}:
     * null when {@code lastHour} covers the whole hour, else the epoch second it counts from (this
     * display began counting less than an hour ago, or has not yet read every service), so the page
     * says "since 13:46" rather than show a restarted display's few minutes as the last hour.
     */
    public record Report(List<String> stages, long intervalSeconds, Series recent, Series minutes,
                         List<Double> lastHour, Long since, List<Scrape> scrapes) {
    }

    private record Point(long second, double[] values) {
    }

    private final Map<String, URI> metricsUrls = new LinkedHashMap<>();
    private final Duration interval;
    private final UpstreamHttp http;
    private final Map<Source, Double> last = new HashMap<>();
    private final Set<String> baselined = new HashSet<>();
    /** When every service had been read once: the figures hold nothing from before it. */
    private Instant countingSince;
    private final Map<String, Scrape> scrapes = new LinkedHashMap<>();
    private final ArrayDeque<Point> recent = new ArrayDeque<>();
    private final ArrayDeque<Point> minutes = new ArrayDeque<>();

    Throughput(NeighboursConfig.Ingest ingest, NeighboursConfig.Preprocessor preprocessor, OpsConfig ops,
               UpstreamHttp http) {
        metricsUrls.put(Upstreams.INGEST, metrics(ingest.url()));
        metricsUrls.put(Upstreams.PREPROCESSOR, metrics(preprocessor.url()));
        this.interval = ops.scrapeInterval();
        this.http = http;
    }

    private static URI metrics(URI base) {
        String root = base.toString().replaceAll("/+$", "");
        return URI.create(root + "/q/metrics");
    }

    /** Reads every neighbour once and adds one point; called by {@link OpsPoller}, never concurrently. */
    void scrape() {
        Map<String, String> expositions = new HashMap<>();
        metricsUrls.forEach((service, uri) -> {
            Instant at = Instant.now();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(http.timeout())
                        .header("Accept", "text/plain").GET().build()).join();
                if (response.statusCode() == 200) {
                    expositions.put(service, response.body());
                    record(service, uri, at, null);
                } else {
                    record(service, uri, at, "HTTP " + response.statusCode());
                }
            } catch (java.util.concurrent.CompletionException e) {
                record(service, uri, at, http.reason(e));
            }
        });
        add(Instant.now(), deltas(expositions));
    }

    private synchronized void record(String service, URI uri, Instant at, String error) {
        scrapes.put(service, new Scrape(service, uri.toString(), at, error == null, error));
    }

    /**
     * How much each stage grew since the last read. A service read for the first time sets the
     * baseline (its earlier counts happened before this display watched); a counter that went down
     * belongs to a restarted service, so all of it is new; a service that did not answer adds
     * nothing now and its growth shows at the next answer.
     */
    synchronized double[] deltas(Map<String, String> expositions) {
        double[] deltas = new double[STAGES.size()];
        for (int stage = 0; stage < STAGES.size(); stage++) {
            for (Source source : SOURCES.get(stage)) {
                String text = expositions.get(source.service());
                if (text == null) {
                    continue;
                }
                double now = PrometheusText.sum(text, source.metric(), source.labels()).orElse(0);
                Double before = last.put(source, now);
                boolean firstRead = before == null;
                if (!firstRead) {
                    deltas[stage] += now >= before ? now - before : now;
                }
            }
        }
        baselined.addAll(expositions.keySet());
        if (countingSince == null && baselined.containsAll(metricsUrls.keySet())) {
            countingSince = Instant.now();
        }
        return deltas;
    }

    synchronized void add(Instant at, double[] deltas) {
        long second = at.getEpochSecond();
        double perMinute = 60.0 / Math.max(1, interval.toSeconds());
        double[] rates = new double[deltas.length];
        for (int i = 0; i < deltas.length; i++) {
            rates[i] = deltas[i] * perMinute;
        }
        recent.addLast(new Point(second, rates));
        while (!recent.isEmpty() && recent.peekFirst().second() < second - RECENT.toSeconds()) {
            recent.removeFirst();
        }
        long minute = second - Math.floorMod(second, 60);
        Point current = minutes.peekLast();
        if (current != null && current.second() == minute) {
            for (int i = 0; i < deltas.length; i++) {
                current.values()[i] += deltas[i];
            }
        } else {
            // Minutes without a read (a paused display) are zero, so the hour axis stays even.
            long from = current == null ? minute : Math.max(current.second() + 60, minute - 60L * MINUTES);
            for (long m = from; m < minute; m += 60) {
                minutes.addLast(new Point(m, new double[deltas.length]));
            }
            minutes.addLast(new Point(minute, deltas.clone()));
        }
        while (minutes.size() > MINUTES) {
            minutes.removeFirst();
        }
    }

    public synchronized Report report() {
        double[] hour = new double[STAGES.size()];
        for (Point p : minutes) {
            for (int i = 0; i < hour.length; i++) {
                hour[i] += p.values()[i];
            }
        }
        List<Double> lastHour = new ArrayList<>();
        for (double v : hour) {
            lastHour.add(v);
        }
        List<Scrape> reads = new ArrayList<>();
        metricsUrls.forEach((service, uri) -> reads.add(scrapes.getOrDefault(service,
                new Scrape(service, uri.toString(), null, false, "not read yet"))));
        return new Report(STAGES, interval.toSeconds(), series(recent), series(minutes), lastHour, since(), reads);
    }

    /** See {@link Report#since}: counting began within the oldest minute kept, or has not begun. */
    private Long since() {
        if (countingSince == null) {
            return Instant.now().getEpochSecond();
        }
        long start = countingSince.getEpochSecond();
        return minutes.isEmpty() || start >= minutes.peekFirst().second() ? start : null;
    }

    private static Series series(ArrayDeque<Point> points) {
        List<Long> time = new ArrayList<>(points.size());
        List<List<Double>> values = new ArrayList<>();
        for (int i = 0; i < STAGES.size(); i++) {
            values.add(new ArrayList<>(points.size()));
        }
        for (Point p : points) {
            time.add(p.second());
            for (int i = 0; i < STAGES.size(); i++) {
                values.get(i).add(p.values()[i]);
            }
        }
        return new Series(time, values);
    }

    Duration interval() {
        return interval;
    }
}
