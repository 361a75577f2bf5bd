package io.imgboard.infra.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows photos through the services by the services' own timestamps, adding no field to any
 * event: the timestamp Kafka gave each record on {@code imgboard.files} (ingest sent the file
 * event), {@code imgboard.process-requests} (the ledger's outbox sent the request),
 * {@code imgboard.processing-results} (the preprocessor sent its result) and {@code imgboard.catalog}
 * (the ledger's outbox published the photo), read with a plain consumer that commits nothing; and
 * the preprocessor's {@code timeline} log line (received, downloaded, decoded and resized, each
 * rendition's encode start..end, stored). All processes run on this machine, so one clock.
 */
final class Hops implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * {@code … <photoId> timeline received=<instant> downloaded=+12 resized=+80 display=+80..+200 … stored=+300 ms}:
     * the photo id is the MDC's, which the services' log format prints right before the message (HopsTest).
     */
    static final Pattern TIMELINE = Pattern.compile(
            "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) timeline received=(\\S+) downloaded=\\+(\\d+)"
                    + " resized=\\+(\\d+) (.*) stored=\\+(\\d+) ms");
    private static final Pattern RENDITION = Pattern.compile("(\\w+)=\\+(\\d+)\\.\\.\\+(\\d+)");
    /** When the photo had its turn at the imaging core (a preprocessor that shares its cores among requests). */
    private static final Pattern TURN = Pattern.compile("\\bturn=\\+(\\d+)\\b(?!\\.)");

    /** What is known of one photo, epoch milliseconds; 0 when not seen (yet). */
    static final class Timeline {
        volatile String photoId;
        volatile long files;
        volatile long requested;
        volatile long received;
        volatile long downloaded;
        volatile long turn;
        volatile long resized;
        final Map<String, long[]> renditions = new LinkedHashMap<>();
        volatile long stored;
        volatile long firstResult;
        volatile long firstCatalog;
    }

    private final KafkaConsumer<String, String> consumer;
    private final Path preprocessorLog;
    private final Thread reader;
    private final Map<String, Timeline> bySha = new ConcurrentHashMap<>();
    private final Map<String, Timeline> byPhoto = new ConcurrentHashMap<>();
    private final Object arrived = new Object();
    private long logOffset;
    private volatile boolean closed;

    private Hops(String bootstrap, Path preprocessorLog) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.FILES, Topics.PROCESS_REQUESTS, Topics.PROCESSING_RESULTS, Topics.CATALOG)) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.preprocessorLog = preprocessorLog;
        this.reader = new Thread(this::read, "bench-hops");
        reader.setDaemon(true);
    }

    static Hops follow(String bootstrap, Path preprocessorLog) {
        Hops hops = new Hops(bootstrap, preprocessorLog);
        hops.reader.start();
        return hops;
    }

    /** The photo id the ledger gave these bytes, once its process request is on the topic. */
    String photoId(String sha) {
        Timeline t = bySha.get(sha);
        return t == null ? null : t.photoId;
    }

    Timeline timeline(String sha) {
        return bySha.computeIfAbsent(sha, s -> new Timeline());
    }

    /** Waits up to {@code atMost} for the next record read. */
    void awaitRecord(Duration atMost) {
        synchronized (arrived) {
            try {
                arrived.wait(Math.max(1, atMost.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void read() {
        try {
            while (!closed) {
                var records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, String> record : records) {
                    take(record);
                }
                readLog();
                if (!records.isEmpty()) {
                    synchronized (arrived) {
                        arrived.notifyAll();
                    }
                }
            }
        } catch (WakeupException closing) {
            // closed
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private void take(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            return;
        }
        JsonNode value;
        try {
            value = JSON.readTree(record.value());
        } catch (IOException notJson) {
            return;
        }
        long at = record.timestamp();
        switch (record.topic()) {
            case Topics.FILES -> {
                if (value.hasNonNull("sha256")) {
                    Timeline t = timeline(value.get("sha256").asText());
                    if (t.files == 0) {
                        t.files = at;
                    }
                }
            }
            case Topics.PROCESS_REQUESTS -> {
                if (value.hasNonNull("sha256") && value.hasNonNull("photoId")) {
                    Timeline t = timeline(value.get("sha256").asText());
                    if (t.requested == 0) {
                        t.requested = at;
                        byPhoto.put(value.get("photoId").asText(), t);
                        t.photoId = value.get("photoId").asText();
                    }
                }
            }
            case Topics.PROCESSING_RESULTS -> {
                Timeline t = record.key() == null ? null : byPhoto.get(record.key());
                if (t != null) {
                    if (t.firstResult == 0) {
                        t.firstResult = at;
                    }
                }
            }
            case Topics.CATALOG -> {
                Timeline t = record.key() == null ? null : byPhoto.get(record.key());
                if (t != null) {
                    if (t.firstCatalog == 0) {
                        t.firstCatalog = at;
                    }
                }
            }
            default -> {
                // not followed
            }
        }
    }

    /** New complete lines of the preprocessor's log since the last read. */
    private void readLog() {
        try (RandomAccessFile log = new RandomAccessFile(preprocessorLog.toFile(), "r")) {
            if (log.length() < logOffset) {
                logOffset = 0; // a new log (the process restarted)
            }
            if (log.length() == logOffset) {
                return;
            }
            log.seek(logOffset);
            byte[] bytes = new byte[(int) Math.min(log.length() - logOffset, 4 << 20)];
            log.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return;
            }
            logOffset += text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
            for (String line : text.substring(0, end).split("\n")) {
                Matcher m = TIMELINE.matcher(line);
                if (m.find()) {
                    timelineLine(m);
                }
            }
        } catch (IOException | RuntimeException notYet) {
            // no log yet, or a line half written: read again next time
        }
    }

    private void timelineLine(Matcher m) {
        Timeline t = byPhoto.get(m.group(1));
        if (t == null || t.received != 0) {
            return; // a photo not followed, or a second processing of it
        }
        long received = Instant.parse(m.group(2)).toEpochMilli();
        t.downloaded = received + Long.parseLong(m.group(3));
        t.resized = received + Long.parseLong(m.group(4));
        Matcher turn = TURN.matcher(m.group(5));
        if (turn.find()) {
            t.turn = received + Long.parseLong(turn.group(1));
        }
        Matcher r = RENDITION.matcher(m.group(5));
        while (r.find()) {
            t.renditions.put(r.group(1), new long[]{received + Long.parseLong(r.group(2)), received + Long.parseLong(r.group(3))});
        }
        t.stored = received + Long.parseLong(m.group(6));
        t.received = received;
    }

    /**
     * Medians per hop: for the cold upload its own figures, for the warm ones the median of each
     * hop (and the median of the times since sending).
     */
    static void table(PrintStream out, PipelineBench.Trip cold, List<PipelineBench.Trip> warm) {
        List<String> renditionNames = new ArrayList<>();
        for (PipelineBench.Trip trip : concat(cold, warm)) {
            for (String name : trip.timeline().renditions.keySet()) {
                if (!renditionNames.contains(name)) {
                    renditionNames.add(name);
                }
            }
        }
        List<Step> steps = new ArrayList<>();
        Step files = step(steps, "ingest sent the file event (imgboard.files)", t -> t.timeline().files, null);
        step(steps, "ingest answered the upload", PipelineBench.Trip::answered, files);
        Step requested = step(steps, "ledger sent the process request", t -> t.timeline().requested, files);
        Step received = step(steps, "preprocessor took it", t -> t.timeline().received, requested);
        Step downloaded = step(steps, "  original downloaded", t -> t.timeline().downloaded, received);
        Step turn = step(steps, "  its turn at the imaging core", t -> t.timeline().turn, downloaded);
        Step resized = step(steps, "  decoded and resized", t -> t.timeline().resized, turn);
        for (String name : renditionNames) {
            Step started = step(steps, "  " + name + " encode started", t -> at(t, name, 0), resized);
            step(steps, "  " + name + " encoded", t -> at(t, name, 1), started);
        }
        Step stored = step(steps, "  renditions stored", t -> t.timeline().stored, resized);
        Step result = step(steps, "preprocessor sent its (first) result", t -> t.timeline().firstResult, stored);
        Step catalog = step(steps, "ledger published the photo (catalog)", t -> t.timeline().firstCatalog, result);
        step(steps, "frame stream carried the add", PipelineBench.Trip::added, catalog);
        out.printf(Locale.ROOT, "    %-44s %8s %9s %8s %s%n", "", "cold", "warm p50", "hop p50", "(median of each warm upload's hop)");
        for (Step step : steps) {
            Long c = since(cold, step.at());
            List<Long> w = new ArrayList<>();
            List<Long> hops = new ArrayList<>();
            for (PipelineBench.Trip trip : warm) {
                Long v = since(trip, step.at());
                if (v != null) {
                    w.add(v);
                    Long ref = step.after() == null ? null : since(trip, step.after().at());
                    if (ref != null) {
                        hops.add(v - ref);
                    }
                }
            }
            double median = PipelineBench.median(w);
            double hop = PipelineBench.median(hops);
            out.printf(Locale.ROOT, "    %-44s %8s %9s %8s %s%n", step.name(), c == null ? "–" : c.toString(),
                    Double.isNaN(median) ? "–" : String.format(Locale.ROOT, "%.0f", median),
                    Double.isNaN(hop) ? "" : String.format(Locale.ROOT, "%+.0f", hop),
                    step.after() == null ? "" : "after " + step.after().name().strip());
        }
    }

    /** A burst's ends, from its first upload: the last request, the first taken, the last stored and published. */
    static void burstLine(PrintStream out, String label, List<PipelineBench.Trip> burst) {
        if (burst.isEmpty()) {
            return;
        }
        long began = burst.get(0).sent();
        long lastStored = burst.stream().mapToLong(t -> t.timeline().stored).max().orElse(0);
        long lastCatalog = burst.stream().mapToLong(t -> t.timeline().firstCatalog).max().orElse(0);
        long firstReceived = burst.stream().mapToLong(t -> t.timeline().received).filter(v -> v > 0).min().orElse(0);
        long lastRequested = burst.stream().mapToLong(t -> t.timeline().requested).max().orElse(0);
        out.printf(Locale.ROOT, "    %s: last request sent +%d ms, first taken by the preprocessor +%d ms, last stored +%d ms,"
                + " last published +%d ms%n", label, lastRequested - began, firstReceived - began, lastStored - began,
                lastCatalog - began);
    }

    private static long at(PipelineBench.Trip trip, String rendition, int which) {
        long[] span = trip.timeline().renditions.get(rendition);
        return span == null ? 0 : span[which];
    }

    private static Long since(PipelineBench.Trip trip, ToLongFunction<PipelineBench.Trip> at) {
        if (trip == null) {
            return null;
        }
        long value = at.applyAsLong(trip);
        return value == 0 ? null : value - trip.sent();
    }

    private static List<PipelineBench.Trip> concat(PipelineBench.Trip cold, List<PipelineBench.Trip> warm) {
        List<PipelineBench.Trip> all = new ArrayList<>(warm);
        if (cold != null) {
            all.add(cold);
        }
        return all;
    }

    private record Step(String name, ToLongFunction<PipelineBench.Trip> at, Step after) {
    }

    private static Step step(List<Step> steps, String name, ToLongFunction<PipelineBench.Trip> at, Step after) {
        Step step = new Step(name, at, after);
        steps.add(step);
        return step;
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
