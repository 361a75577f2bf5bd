package io.imgboard.infra.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Layout;
import io.imgboard.infra.Sleeper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One chaos run: N seeded photos through the REST upload, the folder source and WebDAV (a third
 * each), a frame watching the SSE stream, and the planned faults injected while they flow; then the
 * checks of issue 12 (see {@link ChaosReport}).
 *
 * <p>The feed is paced by the pipeline: at most {@code window} photos are fed ahead of what the
 * ledger has finished, so the faults land while photos are in every stage (uploads in flight,
 * events on the topics, renditions being made) rather than on a backlog fed long before. Fault
 * {@code i} of {@code F} fires once {@code (i+1)/(F+1)} of the photos are fed, and only when the
 * supervisor reports everything ready after the one before (each fault is one fault, not a pile-up).
 * A client retries what was not answered 2xx, as a phone app does; a 2xx is a promise the run holds
 * the system to.
 */
public final class ChaosRun {
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    /** What to run; {@code plan} null means the default plan ({@link Faults#plan}). */
    public record Options(int photos, long seed, int killsPerService, boolean infrastructure, Duration s3Pause,
                          int window, Duration convergenceLimit, Duration target, boolean keep) {
        public static Options defaults(int photos, long seed) {
            return new Options(photos, seed, 2, true, Duration.ofSeconds(10), 50, Duration.ofMinutes(10),
                    Duration.ofSeconds(60), false);
        }

        public Options withKillsPerService(int kills) {
            return new Options(photos, seed, kills, infrastructure, s3Pause, window, convergenceLimit, target, keep);
        }

        public Options withWindow(int value) {
            return new Options(photos, seed, killsPerService, infrastructure, s3Pause, value, convergenceLimit, target, keep);
        }

        public Options keeping(boolean value) {
            return new Options(photos, seed, killsPerService, infrastructure, s3Pause, window, convergenceLimit, target, value);
        }
    }

    private final Options options;
    private final Layout layout;
    private final PrintStream out;
    private final List<Faults.Fault> plan;

    public ChaosRun(Options options, Layout layout, PrintStream out) {
        this(options, layout, out, Faults.plan(options.killsPerService(), options.infrastructure(), options.seed()));
    }

    /** With a plan of its own: {@code kills} names the services to kill once each, in this order, besides the infrastructure faults. */
    public static ChaosRun withKills(Options options, Layout layout, PrintStream out, List<String> kills) {
        List<Faults.Fault> plan = new ArrayList<>();
        kills.forEach(service -> plan.add(new Faults.Fault(Faults.Kind.KILL_SERVICE, service)));
        if (options.infrastructure()) {
            plan.add(new Faults.Fault(Faults.Kind.RESTART_KAFKA, "kafka"));
            plan.add(new Faults.Fault(Faults.Kind.RESTART_POSTGRES, "postgres"));
            plan.add(new Faults.Fault(Faults.Kind.PAUSE_S3, "s3"));
        }
        java.util.Collections.shuffle(plan, new java.util.Random(options.seed()));
        return new ChaosRun(options, layout, out, plan);
    }

    private ChaosRun(Options options, Layout layout, PrintStream out, List<Faults.Fault> plan) {
        this.options = options;
        this.layout = layout;
        this.out = out;
        this.plan = plan;
    }

    public ChaosReport run() {
        Instant began = Instant.now();
        try (ChaosStack stack = ChaosStack.start(layout, out)) {
            if (options.keep()) {
                stack.keep();
            }
            ChaosReport report = run(stack, began);
            if (!report.passed()) {
                stack.keep();
            }
            if (stack.kept()) {
                out.println("chaos: state folder kept (logs in " + stack.state.root().resolve("logs") + ")");
            }
            return report;
        }
    }

    private ChaosReport run(ChaosStack stack, Instant began) {
        Faults faults = new Faults(stack.state, options.s3Pause(), stack.ports().values());
        Map<Integer, String> shaByIndex = new ConcurrentHashMap<>();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<String, Integer> doorCounts = new ConcurrentHashMap<>();
        AtomicInteger fed = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicLong finished = new AtomicLong(); // ledger: ready + failed, as last seen
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Faults.Injected> injected = java.util.Collections.synchronizedList(new ArrayList<>());

        try (FrameWatcher frame = new FrameWatcher(stack.url("display-service")).start()) {
            await(frame::connected, Duration.ofMinutes(2), "the frame's first connection to /api/v1/events");
            out.printf("chaos: feeding %d photos (seed %d) through REST, folder and WebDAV; %d faults planned%n",
                    options.photos(), options.seed(), plan.size());

            // The ledger's progress, for pacing; while it is down the last figure stands and the feed waits.
            Thread monitor = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        JsonNode stats = stack.ledgerStats();
                        finished.set(stats.path("ready").asLong() + stats.path("failed").asLong());
                    } catch (IOException e) {
                        // the ledger is down or restarting
                    } catch (InterruptedException e) {
                        return;
                    }
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "chaos-progress");
            monitor.setDaemon(true);
            monitor.start();

            Thread injector = new Thread(() -> {
                for (int i = 0; i < plan.size(); i++) {
                    int threshold = (int) ((long) options.photos() * (i + 1) / (plan.size() + 1));
                    while (fed.get() < threshold) {
                        Sleeper.pause(Duration.ofMillis(200));
                    }
                    Instant readyBy = Instant.now().plus(PATIENCE);
                    while (!faults.allReady() && Instant.now().isBefore(readyBy)) {
                        Sleeper.pause(Duration.ofMillis(250));
                    }
                    Faults.Injected fault = faults.inject(plan.get(i), PATIENCE);
                    injected.add(fault);
                    out.printf("chaos: %s +%5.1f s  %-64s %s%n", clock(fault.at()), seconds(began, fault.at()),
                            fault.description(), fault.outcome());
                    if (fault.backAfter() == null) {
                        problems.add(fault.description() + ": not ready again within " + PATIENCE.toMinutes() + " min");
                    }
                }
            }, "chaos-faults");
            injector.setDaemon(true);
            injector.start();

            ExecutorService feeders = Executors.newFixedThreadPool(3);
            List<Future<?>> feeding = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < 3; t++) {
                feeding.add(feeders.submit(() -> {
                    int index;
                    while ((index = next.getAndIncrement()) < options.photos()) {
                        while (fed.get() - finished.get() >= options.window()) {
                            Sleeper.pause(Duration.ofMillis(100));
                        }
                        feed(stack, index, shaByIndex, acknowledged, doorCounts, retries, problems);
                        int count = fed.incrementAndGet();
                        if (count % 100 == 0) {
                            out.printf("chaos: +%5.1f s  %d fed, %d finished by the ledger%n", seconds(began, Instant.now()),
                                    count, finished.get());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : feeding) {
                try {
                    f.get();
                } catch (Exception e) {
                    problems.add("feeding stopped: " + e);
                }
            }
            feeders.shutdownNow();
            Instant fedAt = Instant.now();
            try {
                injector.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            monitor.interrupt();
            Instant lastFault = injected.stream().map(Faults.Injected::endedAt).max(Instant::compareTo).orElse(fedAt);
            Instant from = lastFault.isAfter(fedAt) ? lastFault : fedAt;
            out.printf("chaos: +%5.1f s  all fed and every fault injected; waiting for the system to converge%n",
                    seconds(began, Instant.now()));

            Map<String, String> expected = new HashMap<>(); // sha256 → name
            shaByIndex.forEach((index, sha) -> expected.put(sha, SeededPhotos.name(options.seed(), index)));
            Instant convergedAt = null;
            List<JsonNode> catalog = List.of();
            Instant limit = Instant.now().plus(options.convergenceLimit());
            while (Instant.now().isBefore(limit)) {
                try {
                    catalog = stack.ledgerPhotos();
                    if (converged(catalog, expected.keySet(), frame)) {
                        convergedAt = Instant.now();
                        break;
                    }
                } catch (IOException e) {
                    // the ledger is still coming back
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                Sleeper.pause(Duration.ofSeconds(1));
            }
            // Let a late duplicate show itself: a second add would come within moments of the first.
            Sleeper.pause(Duration.ofSeconds(5));
            try {
                catalog = stack.ledgerPhotos();
            } catch (IOException | InterruptedException e) {
                problems.add("could not list the catalog at the end: " + e.getMessage());
            }
            brokerWarmedUpAgain(stack, injected, problems);
            return ChaosReport.of(options, began, plan.size(), injected, expected, acknowledged, doorCounts, retries.get(),
                    catalog, frame, lastFault, convergedAt == null ? null : Duration.between(lastFault, convergedAt),
                    problems, stack.ports());
        }
    }

    /**
     * The supervisor warms a broker it started again as {@code up} warms the first ({@code logs/kafka-warm-up.log}):
     * after the last restart of Kafka there is a line, and it says the records went through (or why not).
     */
    private void brokerWarmedUpAgain(ChaosStack stack, List<Faults.Injected> injected, List<String> problems) {
        Optional<Instant> restarted;
        synchronized (injected) {
            restarted = injected.stream().filter(f -> f.fault().kind() == Faults.Kind.RESTART_KAFKA)
                    .map(Faults.Injected::at).max(Instant::compareTo);
        }
        if (restarted.isEmpty()) {
            return;
        }
        List<String> after = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(stack.log("kafka-warm-up"))) {
                int space = line.indexOf(' ');
                if (space > 0 && Instant.parse(line.substring(0, space)).isAfter(restarted.get())) {
                    after.add(line.substring(space + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add("cannot read the Kafka warm-up log: " + e.getMessage());
            return;
        }
        if (after.isEmpty()) {
            problems.add("the broker restarted at " + restarted.get() + " was not warmed up again (logs/kafka-warm-up.log)");
        } else {
            out.println("chaos: after the broker's restart: " + after.get(after.size() - 1));
        }
    }

    /** Everything expected is in the catalog, finished (READY or FAILED), and known to the frame. */
    private static boolean converged(List<JsonNode> catalog, Set<String> expected, FrameWatcher frame) {
        Map<String, JsonNode> bySha = new HashMap<>();
        catalog.forEach(p -> bySha.put(p.path("sha256").asText(), p));
        for (String sha : expected) {
            JsonNode photo = bySha.get(sha);
            if (photo == null) {
                return false;
            }
            String status = photo.path("status").asText();
            if (status.equals("PENDING")) {
                return false;
            }
            if (status.equals("READY") && !frame.seen(photo.path("photoId").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Feeds one photo through its door, retrying until the door says it has it (2xx, or the file is in the folder). */
    private void feed(ChaosStack stack, int index, Map<Integer, String> shaByIndex, Set<String> acknowledged,
                      Map<String, Integer> doorCounts, AtomicInteger retries, List<String> problems) {
        byte[] jpeg = SeededPhotos.jpeg(options.seed(), index);
        String sha = sha256(jpeg);
        String name = SeededPhotos.name(options.seed(), index);
        shaByIndex.put(index, sha);
        String door = switch (index % 3) {
            case 0 -> "rest";
            case 1 -> "folder";
            default -> "webdav";
        };
        doorCounts.merge(door, 1, Integer::sum);
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(10));
        String last = "";
        while (Instant.now().isBefore(giveUp)) {
            try {
                switch (door) {
                    case "folder" -> {
                        stack.dropIntoFolder(name, jpeg);
                        return;
                    }
                    case "rest" -> {
                        HttpResponse<String> answer = stack.upload(name, jpeg);
                        if (answer.statusCode() / 100 == 2) {
                            acknowledged.add(sha);
                            return;
                        }
                        last = answer.statusCode() + " " + answer.body();
                    }
                    default -> {
                        HttpResponse<String> answer = stack.davPut(name, jpeg);
                        if (answer.statusCode() / 100 == 2) {
                            acknowledged.add(sha);
                            return;
                        }
                        last = answer.statusCode() + " " + answer.body();
                    }
                }
                if (last.startsWith("4") && !last.startsWith("408") && !last.startsWith("429") && !last.startsWith("423")) {
                    problems.add(door + " " + name + " refused: " + abbreviate(last));
                    return;
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + " " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            retries.incrementAndGet();
            Sleeper.pause(Duration.ofSeconds(1));
        }
        problems.add(door + " " + name + " never accepted in 10 min; last answer: " + abbreviate(last));
    }

    private static String abbreviate(String text) {
        String line = text.replace('\n', ' ');
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static final java.time.format.DateTimeFormatter CLOCK =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

    /** A time of day in UTC, to the millisecond, for matching a fault with the services' logs. */
    static String clock(Instant at) {
        return CLOCK.format(at);
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new io.imgboard.infra.InfraException("timed out waiting for " + what);
            }
            Sleeper.pause(Duration.ofMillis(200));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Door → photos, in the order the report prints them. */
    static Map<String, Integer> ordered(Map<String, Integer> doors) {
        Map<String, Integer> ordered = new LinkedHashMap<>();
        for (String door : List.of("rest", "folder", "webdav")) {
            ordered.put(door, doors.getOrDefault(door, 0));
        }
        return ordered;
    }
}
