package io.imgboard.ingest.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.SourceIds;
import io.imgboard.events.FileRemoved;
import io.imgboard.ingest.messaging.OutboxRelay;
import io.imgboard.ingest.persistence.FileEventOutbox;
import io.imgboard.ingest.persistence.SnapshotRepository.SnapshotEntry;
import io.imgboard.support.OutageLog;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.imgboard.ingest.persistence.SnapshotRepository;
import io.imgboard.ingest.persistence.SourceRepository;
import io.imgboard.ingest.persistence.SourceRepository.StoredSource;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Folder sources: configured from {@code IMGBOARD_SOURCES} / {@code imgboard.sources.<id>.*} at
 * start, or through the admin API; stored in ingest's database; each polled on scan threads (never
 * the event loop), one scan per source at a time.
 *
 * <p>When a source is scanned: every {@code pollSeconds} (the authority, which works on NFS/SMB);
 * again exactly when the stability window of a file its last scan left pending ends; and soon after
 * the {@link SourceWatcher} hints that a watched folder changed. Early scans (the last two) keep a
 * source's scanning to at most half of one thread: one starts no sooner than the last one's duration
 * after it ended, so a large source being written to does not scan without pause.
 */
@ApplicationScoped
public class SourceService {

    /**
     * A source as the API shows it: its settings and how it is doing. {@code lastScan}: what the last
     * scan found and did; {@code totals}: what its snapshot holds now, files by state and skipped ones
     * by reason (the per-source skip count over every scan).
     */
    public record SourceView(String id, String path, boolean recursive, List<String> include, List<String> exclude,
                             int pollSeconds, int stableSeconds, String afterImport, String archivePath,
                             String onDelete, String configuredBy, String state, boolean scanning,
                             Instant lastScanAt, Long lastScanMillis, Map<String, Object> lastScan,
                             Map<String, Object> totals, List<String> errors) {
    }

    /** Why a change to the sources was refused; {@code status} is the HTTP status it deserves. */
    public static class SourceException extends RuntimeException {
        private final int status;

        public SourceException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Who made a stored source: the configuration (made again at each start), or the API. */
    private static final String BY_CONFIG = "config";
    private static final String BY_API = "api";
    private static final Pattern PER_SOURCE = Pattern.compile("imgboard\\.sources\\.(" + SourceIds.NAME.pattern() + ")\\.([a-z-]+)");

    private final OutageLog tickLog = new OutageLog(SourceService.class, "scanning folder sources");

    private final SourceRepository repository;
    private final SnapshotRepository snapshots;
    private final FolderScanner scanner;
    private final SourceRoots roots;
    private final ObjectMapper json;
    private final Config config;
    private final FileEventOutbox outbox;
    private final OutboxRelay relay;
    /** A hint waits this long, so a burst of changes (a writer's chunks, a batch of renames) is one scan. */
    static final Duration HINT_DELAY = Duration.ofMillis(100);

    private final Map<String, Instant> lastStarted = new ConcurrentHashMap<>();
    private final Map<String, Pace> paces = new ConcurrentHashMap<>();
    private final SourceWatcher watcher;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "imgboard-source-timer");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService scans = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "imgboard-source-scan");
        t.setDaemon(true);
        return t;
    });

    SourceService(SourceRepository repository, SnapshotRepository snapshots, FolderScanner scanner, SourceRoots roots,
                  ObjectMapper json, Config config, SourceWatcher watcher, FileEventOutbox outbox, OutboxRelay relay) {
        this.repository = repository;
        this.snapshots = snapshots;
        this.scanner = scanner;
        this.roots = roots;
        this.json = json;
        this.config = config;
        this.watcher = watcher;
        this.outbox = outbox;
        this.relay = relay;
        watcher.onChange(id -> scanAt(id, Instant.now().plus(HINT_DELAY)));
    }

    /**
     * The configured sources, each valid; for ingest's start-up check, which runs before the beans that need the
     * database. Refused, not ignored: an ingest that reports ready while scanning none of the folders it was given
     * looks like one with nothing to import.
     *
     * @throws ConfigurationException naming the entry or source that is wrong
     */
    public static List<SourceSettings> requireConfigured(Config config) {
        List<SourceSettings> sources = configured(config);
        for (SourceSettings source : sources) {
            List<String> problems = source.problems();
            if (!problems.isEmpty()) {
                throw new ConfigurationException("ingest-service cannot start: source " + source.id()
                        + " in the configuration (IMGBOARD_SOURCES or imgboard.sources." + source.id() + ".*): "
                        + String.join("; ", problems));
            }
        }
        return sources;
    }

    void onStart(@Observes StartupEvent event) {
        for (SourceSettings source : requireConfigured(config)) {
            if (!repository.insert(source, BY_CONFIG)) {
                repository.update(source);
            }
            Log.infof("folder source %s: %s", source.id(), source.path());
        }
        warnOutOfBounds();
    }

    /**
     * Logs, once at start, every stored source this ingest may not scan: one added through the API
     * before the allowed folders were narrowed (an upgrade from a version without them, a changed
     * {@code IMGBOARD_SOURCE_ROOTS}) would otherwise stop taking files with only its state saying so.
     *
     * @return the sources warned about
     */
    public List<String> warnOutOfBounds() {
        List<String> warned = new ArrayList<>();
        for (StoredSource stored : repository.all()) {
            List<String> outside = roots.problems(stored.settings().withDefaults());
            if (!outside.isEmpty()) {
                Log.warnf("folder source %s is not scanned: %s. Add its folder to IMGBOARD_SOURCE_ROOTS"
                        + " (imgboard.source-roots), or change or delete the source", stored.settings().id(),
                        String.join("; ", outside));
                warned.add(stored.settings().id());
            }
        }
        return warned;
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
        scans.shutdownNow();
        try {
            scans.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code IMGBOARD_SOURCES} ({@code imgboard.sources}) and {@code imgboard.sources.<id>.<setting>}.
     *
     * @throws ConfigurationException naming an entry that is not {@code id=path}: the whole list is refused rather
     *                                than dropped, which left every source unscanned and its folder outside the
     *                                allowed ones
     */
    static List<SourceSettings> configured(Config config) {
        Map<String, Map<String, String>> byId = new LinkedHashMap<>();
        config.getOptionalValue("imgboard.sources", String.class).ifPresent(list -> {
            try {
                SourceSettings.parseList(list).forEach((id, path) -> byId.computeIfAbsent(id, k -> new LinkedHashMap<>()).put("path", path));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("ingest-service cannot start: " + e.getMessage());
            }
        });
        for (String name : config.getPropertyNames()) {
            Matcher m = PER_SOURCE.matcher(name);
            if (m.matches()) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(v -> byId.computeIfAbsent(m.group(1), k -> new LinkedHashMap<>()).put(m.group(2), v));
            }
        }
        List<SourceSettings> sources = new ArrayList<>();
        byId.forEach((id, s) -> sources.add(new SourceSettings(id, s.get("path"),
                s.containsKey("recursive") ? Boolean.valueOf(s.get("recursive")) : null, globs(s.get("include")),
                globs(s.get("exclude")), integer(s.get("poll-seconds")), integer(s.get("stable-seconds")),
                s.get("after-import"), s.get("archive-path"), s.get("on-delete")).withDefaults()));
        return sources;
    }

    public List<SourceView> list() {
        return repository.all().stream().map(this::view).toList();
    }

    public Optional<SourceView> get(String id) {
        return repository.find(id).map(this::view);
    }

    public SourceView create(SourceSettings settings) {
        SourceSettings source = valid(settings);
        if (!repository.insert(source, BY_API)) {
            throw new SourceException(409, "a source named " + source.id() + " exists already: give this one another id, "
                    + "or edit that one (Edit in the admin page's sources, or PUT /api/v1/sources/" + source.id() + ")");
        }
        Log.infof("folder source %s added: %s", source.id(), source.path());
        return get(source.id()).orElseThrow();
    }

    public SourceView update(String id, SourceSettings settings) {
        SourceSettings source = valid(settings.withId(id));
        if (!repository.update(source)) {
            throw new SourceException(404, "no source " + id);
        }
        lastStarted.remove(id);
        watcher.forget(id); // the path may have changed: the next scan watches what it walks
        return get(id).orElseThrow();
    }

    /**
     * Deletes a source and, in the same transaction, puts a {@code FileRemoved} for every file its
     * snapshot holds into the outbox (with its {@code onDelete}: its photos leave the frames unless it
     * says {@code keep}; its skipped files leave the ledger's list). The files stay in the folder. The
     * relay sends the removals now or, with Kafka away, as soon as it is back; a source added again with
     * this id takes nothing until they are sent. A source from the configuration is refused (409): it
     * would come back at the next start.
     */
    public void delete(String id) {
        StoredSource stored = repository.find(id).orElseThrow(() -> new SourceException(404, "no source " + id));
        if (BY_CONFIG.equals(stored.configuredBy())) {
            throw new SourceException(409, "source " + id + " is set in the configuration (IMGBOARD_SOURCES or"
                    + " imgboard.sources." + id + ".*): remove it there and restart ingest; deleted here, it would"
                    + " come back at the next start");
        }
        // under the scan lock: no scan changes the snapshot meanwhile, and one asked for later finds no source
        Integer announced = scanner.whileNotScanning(id, () -> {
            Map<String, SnapshotEntry> snapshot = snapshots.load(id);
            return QuarkusTransaction.requiringNew().call(() -> {
                Optional<StoredSource> current = repository.find(id);
                if (current.isEmpty() || !repository.delete(id)) {
                    return null;
                }
                SourceSettings source = current.get().settings().withDefaults();
                snapshot.keySet().stream().sorted().forEach(path -> outbox.add(new FileRemoved(UUID.randomUUID(),
                        Instant.now(), source.sourceId(), path, source.removalPolicy())));
                return snapshot.size();
            });
        });
        if (announced == null) {
            throw new SourceException(404, "no source " + id);
        }
        lastStarted.remove(id);
        watcher.forget(id);
        Pace pace = paces.remove(id);
        if (pace != null) {
            pace.cancelPlanned();
        }
        Log.infof("folder source %s removed: the removal of its %d files is on its way to the ledger", id, announced);
        relay.relay(); // at once when Kafka takes them; else the relay's next passes
    }

    /** Scans now, on the calling (worker) thread, and answers what the scan did. */
    public ScanReport scan(String id, boolean simulate) {
        SourceSettings source = repository.find(id).orElseThrow(() -> new SourceException(404, "no source " + id))
                .settings().withDefaults();
        if (simulate) {
            return scanner.scan(source, true);
        }
        lastStarted.put(id, Instant.now());
        ScanReport report = scanner.scan(source, false);
        scanner.nextCheck(id).ifPresent(at -> scanAt(id, at));
        return report;
    }

    /** Starts the scans that are due on the scan threads; a slow source never delays another's tick. */
    @Scheduled(every = "${imgboard.scan.tick:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class,
            delayed = "${imgboard.scan.initial-delay:2s}")
    void tick() {
        tickLog.run(this::startDue);
    }

    private void startDue() {
        Instant now = Instant.now();
        for (StoredSource stored : repository.all()) {
            SourceSettings source = stored.settings().withDefaults();
            Instant last = lastStarted.get(source.id());
            if (scanner.running(source.id())
                    || last != null && last.plusSeconds(source.pollSeconds()).isAfter(now)) {
                continue;
            }
            start(source.id());
        }
    }

    /**
     * Scans a source at that moment, or as soon after it as its pace allows (see the class comment);
     * an earlier plan of an early scan stands, a later one is brought forward.
     */
    void scanAt(String id, Instant at) {
        Pace pace = paces.computeIfAbsent(id, k -> new Pace());
        synchronized (pace) {
            Instant earliest = pace.lastEnded == null ? at : latest(at, pace.lastEnded.plus(pace.lastDuration));
            if (pace.planned != null && !pace.planned.isDone() && !pace.plannedAt.isAfter(earliest)) {
                return;
            }
            pace.cancelPlanned();
            long delay = Math.max(0, Duration.between(Instant.now(), earliest).toMillis());
            try {
                pace.plannedAt = earliest;
                pace.planned = timer.schedule(() -> start(id), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                pace.planned = null; // shutting down
            }
        }
    }

    /** Starts a scan of the source on the scan threads; while one runs, another follows it. */
    private void start(String id) {
        Pace pace = paces.computeIfAbsent(id, k -> new Pace());
        synchronized (pace) {
            if (pace.running) {
                pace.again = true;
                return;
            }
            pace.running = true;
        }
        lastStarted.put(id, Instant.now());
        try {
            scans.submit(() -> scanOnce(id, pace));
        } catch (RejectedExecutionException e) {
            synchronized (pace) {
                pace.running = false; // shutting down
            }
        }
    }

    private void scanOnce(String id, Pace pace) {
        Instant started = Instant.now();
        try {
            Optional<StoredSource> stored = repository.find(id);
            if (stored.isPresent()) {
                scanner.scan(stored.get().settings().withDefaults(), false);
            }
        } catch (RuntimeException e) {
            Log.errorf(e, "scan of source %s failed", id);
        }
        Instant ended = Instant.now();
        boolean again;
        synchronized (pace) {
            pace.running = false;
            pace.lastEnded = ended;
            pace.lastDuration = Duration.between(started, ended);
            again = pace.again;
            pace.again = false;
        }
        if (again) {
            scanAt(id, ended);
        }
        scanner.nextCheck(id).ifPresent(at -> scanAt(id, at));
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** When a source's early scans may run: the one planned, whether one runs, the last one's duration. */
    private static final class Pace {
        ScheduledFuture<?> planned;
        Instant plannedAt;
        boolean running;
        boolean again;
        Instant lastEnded;
        Duration lastDuration = Duration.ZERO;

        void cancelPlanned() {
            if (planned != null) {
                planned.cancel(false);
                planned = null;
            }
        }
    }

    private SourceSettings valid(SourceSettings settings) {
        if (settings == null) {
            throw new SourceException(400, "no source: send {\"id\":..., \"path\":...}");
        }
        SourceSettings source = settings.withDefaults();
        List<String> problems = source.problems();
        if (problems.isEmpty()) {
            problems = roots.problems(source);
        }
        if (!problems.isEmpty()) {
            throw new SourceException(400, String.join("; ", problems));
        }
        return source;
    }

    private SourceView view(StoredSource stored) {
        SourceSettings s = stored.settings().withDefaults();
        List<String> errors = new ArrayList<>();
        List<String> outside = roots.problems(s);
        String problem = outside.isEmpty() ? FolderScanner.rootProblem(Path.of(s.path())) : String.join("; ", outside);
        Map<String, Object> lastScan = null;
        try {
            if (stored.lastScanCounts() != null) {
                lastScan = json.readValue(stored.lastScanCounts(), new TypeReference<Map<String, Object>>() { });
            }
            if (problem == null && stored.lastErrors() != null) {
                errors.addAll(json.readValue(stored.lastErrors(), new TypeReference<List<String>>() { }));
            }
        } catch (Exception e) {
            Log.warnf("unreadable scan record of source %s: %s", s.id(), e.toString());
        }
        if (problem != null) {
            errors.add(0, problem);
        }
        boolean held = problem == null && java.nio.file.Files.exists(Path.of(s.path()).resolve(FolderScanner.LIBRARY_LOCK));
        String state = problem != null ? "error" : held ? "held" : stored.lastScanAt() == null ? "new"
                : retrying(lastScan) ? "retrying" : errors.isEmpty() ? "ok" : "warning";
        return new SourceView(s.id(), s.path(), s.recursive(), s.include(), s.exclude(), s.pollSeconds(),
                s.stableSeconds(), s.afterImport(), s.archivePath(), s.onDelete(), stored.configuredBy(), state,
                scanner.running(s.id()), stored.lastScanAt(), stored.lastScanMillis(), lastScan, snapshots.totals(s.id()),
                errors);
    }

    /**
     * Whether the last scan left work for the next one: files it could not read, store or announce (Kafka
     * or the storage away), or events of the source still waiting in the outbox, which held the scan.
     * A lock file holds a scan too; while it is there the state is {@code held}, and once it is gone the
     * next scan follows at once. A scan that did all it could but said something (an emptied mount point,
     * a name it cannot open, an archive that failed) leaves the state {@code warning}: the errors say what.
     */
    private static boolean retrying(Map<String, Object> lastScan) {
        return lastScan != null && (lastScan.get("failed") instanceof Number failed && failed.intValue() > 0
                || Boolean.TRUE.equals(lastScan.get("held")));
    }

    private static List<String> globs(String text) {
        return text == null ? null : List.of(text.split(","));
    }

    private static Integer integer(String text) {
        try {
            return text == null ? null : Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return -1; // reported by SourceSettings.problems()
        }
    }
}
