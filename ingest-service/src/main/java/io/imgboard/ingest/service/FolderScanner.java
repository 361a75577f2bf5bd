package io.imgboard.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileMoved;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.FileSkipped;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.messaging.PublishException;
import io.imgboard.ingest.persistence.FileEventOutbox;
import io.imgboard.ingest.persistence.SnapshotRepository;
import io.imgboard.ingest.persistence.SnapshotRepository.SnapshotEntry;
import io.imgboard.ingest.persistence.SourceRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Scans a folder source by polling (inotify does not see NFS/SMB writers): walks the folder, compares
 * each file's size, mtime and ctime with the persisted snapshot, takes a file once they have not
 * changed for the stability window, and announces files that disappeared. New files are found by
 * path difference, never by "newer than the last scan" (icloudpd sets mtime to the capture date).
 * A file whose attributes are unchanged is never read again, across restarts too.
 *
 * <p>Runs on worker threads, one scan per source at a time.
 */
@ApplicationScoped
public class FolderScanner {

    /** icloud-photos-sync holds this at the root of its library for the whole of a sync run. */
    public static final String LIBRARY_LOCK = ".library.lock";
    /** How many ready files one scan takes at most; the rest wait for the next scan. */
    static final int MAX_FILES_PER_SCAN = 5_000;

    static final String PENDING = "pending";
    static final String IMPORTED = "imported";
    /**
     * The reason an imported file's entry carries while its archive or delete after import has not happened
     * (a full disk, a folder made read-only, a file made immutable): each scan tries it again and says why it
     * failed, until it succeeds. Files written into the folder by an export carry none, and are left alone.
     */
    static final String AFTER_IMPORT_DUE = "after import: not done yet";
    static final String SKIPPED = "skipped";
    static final String FAILED = "failed";

    private final SnapshotRepository snapshots;
    private final SourceRepository sources;
    private final UploadService uploads;
    private final FileEventPublisher publisher;
    private final LedgerClient ledger;
    private final ObjectMapper json;
    private final MeterRegistry registry;
    private final SourceWatcher watcher;
    private final SourceRoots roots;
    private final FileEventOutbox outbox;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Per source, when its last scan left a file to look at again (a pending file's window ends), if any. */
    private final Map<String, Instant> nextChecks = new ConcurrentHashMap<>();

    FolderScanner(SnapshotRepository snapshots, SourceRepository sources, UploadService uploads,
                  FileEventPublisher publisher, LedgerClient ledger, ObjectMapper json, MeterRegistry registry,
                  SourceWatcher watcher, SourceRoots roots, FileEventOutbox outbox) {
        this.snapshots = snapshots;
        this.sources = sources;
        this.uploads = uploads;
        this.publisher = publisher;
        this.ledger = ledger;
        this.json = json;
        this.registry = registry;
        this.watcher = watcher;
        this.roots = roots;
        this.outbox = outbox;
    }

    /**
     * When the last scan of this source left work that another scan can finish: the earliest moment a
     * pending file's stability window ends (first seen unchanged + stableSeconds), or now when a scan
     * took no more than {@link #MAX_FILES_PER_SCAN}. Empty when nothing waits.
     */
    public java.util.Optional<Instant> nextCheck(String id) {
        return java.util.Optional.ofNullable(nextChecks.get(id));
    }

    /** Whether a scan of this source is running now. */
    public boolean running(String id) {
        ReentrantLock lock = locks.get(id);
        return lock != null && lock.isLocked();
    }

    /**
     * Scans now (waiting for a running scan of the same source to end). A simulation reads what a
     * scan would read and changes nothing: no snapshot, no event, no file moved, no status.
     */
    public ScanReport scan(SourceSettings source, boolean simulate) {
        ReentrantLock lock = locks.computeIfAbsent(source.id(), id -> new ReentrantLock());
        lock.lock();
        try {
            Instant started = Instant.now();
            Tally tally = new Tally();
            // read again under the lock: a scan asked for before a delete or a change ran after it
            SourceSettings current = sources.find(source.id()).map(s -> s.settings().withDefaults()).orElse(null);
            if (current == null) {
                tally.errors.add("no source " + source.id() + ": it was deleted");
                return tally.report(source.id(), simulate, started, 0);
            }
            source = current;
            try {
                run(source, simulate, tally);
            } catch (RuntimeException e) {
                Log.errorf(e, "scan of source %s failed", source.id());
                tally.errors.add("scan failed: " + e.getMessage());
            }
            long millis = Duration.between(started, Instant.now()).toMillis();
            ScanReport report = tally.report(source.id(), simulate, started, millis);
            if (!simulate) {
                try {
                    sources.saveScan(source.id(), started, millis, json.writeValueAsString(report),
                            json.writeValueAsString(report.errors()));
                } catch (JsonProcessingException | RuntimeException e) {
                    Log.errorf(e, "cannot record the scan of source %s", source.id());
                }
                Log.debugf("scanned source %s in %d ms: %s", source.id(), millis, report);
            }
            return report;
        } finally {
            lock.unlock();
        }
    }

    private void run(SourceSettings source, boolean simulate, Tally tally) {
        if (!simulate) {
            nextChecks.remove(source.id());
        }
        List<String> outside = roots.problems(source);
        if (!outside.isEmpty()) {
            // added inside, then a link swapped or the allowed roots changed: nothing is read, moved or deleted
            tally.errors.addAll(outside);
            return;
        }
        Path root = Path.of(source.path());
        String problem = rootProblem(root);
        if (problem != null) {
            tally.errors.add(problem);
            return; // an unmounted share is not a deletion of every file
        }
        long removals = simulate ? 0 : outbox.waitingFor(source.sourceId());
        if (removals > 0) {
            // the removals of a deleted source with this id, or an archived file's move, have not reached
            // Kafka: what this scan announced now could overtake them (a removal after an arrival retires)
            tally.held = true;
            tally.errors.add("held: " + removals + " events of this source wait in ingest's outbox for Kafka"
                    + " (removals of a deleted source with this id, or an archived file's move); nothing is taken"
                    + " until they are sent");
            return;
        }
        if (Files.exists(root.resolve(LIBRARY_LOCK))) {
            if (!simulate) {
                watcher.watch(source.id(), root); // so the lock's removal brings the next scan forward
            }
            tally.held = true;
            tally.errors.add("held: " + LIBRARY_LOCK + " exists at the root (icloud-photos-sync is syncing); "
                    + "nothing is taken until it is gone");
            return;
        }
        // A file's attributes are read during the walk: after walkStarted, before now. A change is
        // stamped with now (no earlier than the reading), a file is ready when walkStarted (no later
        // than the reading) is a whole window after that stamp: two readings span at least the window,
        // however long a walk of a large source takes.
        Instant walkStarted = Instant.now();
        Walk walk = walk(root, source, tally, !simulate);
        tally.discovered = walk.found.size();
        Map<String, SnapshotEntry> snapshot = snapshots.load(source.id());
        Instant now = Instant.now();
        List<SnapshotEntry> changed = new ArrayList<>();
        List<String> ready = new ArrayList<>();
        Map<String, SnapshotEntry> afterImportDue = new java.util.TreeMap<>();
        Duration window = Duration.ofSeconds(source.stableSeconds());
        Instant due = null;
        for (Map.Entry<String, Seen> e : walk.found.entrySet()) {
            String rel = e.getKey();
            Seen seen = e.getValue();
            SnapshotEntry old = snapshot.get(rel);
            if (old == null || !old.sameAttributes(seen.size, seen.mtime, seen.ctime)) {
                // A pending entry keeps the sha of the photo its path held (if it held one) until the new
                // content is taken: a change into a non-photo, or a deletion meanwhile, then still removes it.
                changed.add(new SnapshotEntry(rel, seen.size, seen.mtime, seen.ctime, now, PENDING,
                        holdsPhoto(old) ? old.sha256() : null, null));
                due = earlier(due, now.plus(window));
                if (simulate) {
                    ready.add(rel);
                }
            } else if (PENDING.equals(old.state()) || FAILED.equals(old.state())) {
                if (simulate || !Duration.between(old.stableSince(), walkStarted).minus(window).isNegative()) {
                    ready.add(rel);
                } else {
                    tally.pending++;
                    due = earlier(due, old.stableSince().plus(window));
                }
            } else if (IMPORTED.equals(old.state()) && AFTER_IMPORT_DUE.equals(old.reason())) {
                afterImportDue.put(rel, old);
            }
        }
        if (simulate) {
            simulate(source, walk, ready, tally);
            return;
        }
        snapshots.upsert(source.id(), changed);
        tally.pending += changed.size();
        ready.sort(null);
        int taken = 0;
        for (String rel : ready) {
            if (taken++ >= MAX_FILES_PER_SCAN) {
                tally.pending++;
                due = now;
                continue;
            }
            take(source, rel, snapshot.get(rel), walk, tally);
        }
        relabelVideos(source, snapshot, walk);
        afterImportDue.forEach((rel, entry) -> {
            if (afterImport(source, rel, walk.found.get(rel), entry.sha256(), tally)) {
                snapshots.delete(source.id(), List.of(rel));
            } else if ("keep".equals(source.afterImport())) {
                // the source was changed to keep its files meanwhile: nothing is due any more
                snapshots.upsert(source.id(), List.of(walk.found.get(rel).entry(rel, IMPORTED, entry.sha256(), null)));
            }
        });
        if (due != null) {
            nextChecks.put(source.id(), due);
        }
        long photos = snapshot.values().stream().filter(FolderScanner::holdsPhoto).count();
        if (walk.complete && walk.found.isEmpty() && photos > 0) {
            // An unmounted share usually leaves its mount point behind, empty: that is no deletion of everything.
            tally.errors.add(EMPTY.formatted(photos == 1 ? "a photo" : photos + " photos"));
        } else if (walk.complete) {
            removeGone(source, snapshot, walk, tally);
        } else {
            tally.errors.add("parts of the folder could not be read: no file is reported removed in this scan");
        }
    }

    /**
     * A video skipped before is half of a live photo once its photo is beside it, and a video again once the photo
     * is gone: the names decide ({@link FileKinds#byName}), and the files arrive in any order (icloudpd may write
     * the MOV first). A video whose reason changed is announced skipped again with the new one, which the ops
     * page's skipped files show; a changed file is taken again anyway.
     */
    private void relabelVideos(SourceSettings source, Map<String, SnapshotEntry> snapshot, Walk walk) {
        for (SnapshotEntry old : snapshot.values()) {
            Seen seen = walk.found.get(old.path());
            if (!SKIPPED.equals(old.state()) || seen == null || !old.sameAttributes(seen.size, seen.mtime, seen.ctime)
                    || !FileKinds.VIDEO_REASON.equals(old.reason()) && !FileKinds.LIVE_PHOTO_VIDEO_REASON.equals(old.reason())) {
                continue;
            }
            String name = seen.file.getFileName().toString();
            FileKinds.Kind now = FileKinds.byName(name, walk.siblings(old.path()));
            if (now == null || now.skipReason().equals(old.reason())) {
                continue;
            }
            try {
                publisher.publish(new FileSkipped(UUID.randomUUID(), Instant.now(), source.sourceId(), old.path(), name,
                        seen.size, now.skipReason()));
            } catch (PublishException e) {
                continue; // the next scan tries again
            }
            snapshots.upsert(source.id(), List.of(new SnapshotEntry(old.path(), old.size(), old.mtimeMillis(),
                    old.ctimeMillis(), old.stableSince(), SKIPPED, old.sha256(), now.skipReason())));
        }
    }

    /** Said while a folder that held photos is completely empty. */
    static final String EMPTY = "the folder is empty, but %s came from it: if it is a share, is it mounted?"
            + " Nothing is reported removed while it stays completely empty";

    /**
     * Runs work while no scan of this source runs (waiting for one to end). The export writer puts a
     * file into the folder and records it in the snapshot as one step, so no scan finds it in between
     * and takes it for a new file.
     */
    public <T> T whileNotScanning(String id, java.util.function.Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a scan of this source would find a file at this path (relative to its root): within its
     * depth, in no ignored folder, and taken by its rules. Only such a file may be recorded with
     * {@link #recordWritten}; any other would look gone at the next scan and be reported removed.
     */
    public boolean watches(SourceSettings source, String rel) {
        if (!source.recursive() && rel.contains("/")) {
            return false;
        }
        SourceRules rules = SourceRules.of(source);
        for (int slash = rel.indexOf('/'); slash >= 0; slash = rel.indexOf('/', slash + 1)) {
            if (rules.skipsFolder(rel.substring(0, slash))) {
                return false;
            }
        }
        return rules.takes(rel);
    }

    /**
     * Records a file ingest wrote into the source itself (an export) as imported, with the attributes a
     * scan will see, so the scan neither reads it again nor announces it as new. Call it inside
     * {@link #whileNotScanning}.
     */
    public void recordWritten(SourceSettings source, String rel, Path file, String sha256) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        long mtime = attrs.lastModifiedTime().toMillis();
        snapshots.upsert(source.id(), List.of(new SnapshotEntry(rel, attrs.size(), mtime, ctimeOf(file, mtime),
                Instant.now(), IMPORTED, sha256, null)));
    }

    /** The file's ctime where the file system has one, else its mtime (then size and mtime alone decide). */
    private static long ctimeOf(Path file, long mtime) {
        try {
            return ((FileTime) Files.getAttribute(file, "unix:ctime")).toMillis();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return mtime;
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    /** Why the root cannot be scanned, for a person, or null. */
    static String rootProblem(Path root) {
        if (!Files.exists(root)) {
            return "folder " + root + " does not exist (is the share mounted?)";
        }
        if (!Files.isDirectory(root)) {
            return root + " is not a folder";
        }
        if (!Files.isReadable(root) || !Files.isExecutable(root)) {
            return "folder " + root + " cannot be read by the service (check its permissions)";
        }
        return null;
    }

    /**
     * @param before what the last scans recorded at {@code rel} (null: new): a photo there that is now
     *               replaced by a file that is not one is announced removed, or it would stay on the frames
     */
    private void take(SourceSettings source, String rel, SnapshotEntry before, Walk walk, Tally tally) {
        Seen seen = walk.found.get(rel);
        String name = seen.file.getFileName().toString();
        Predicate<String> siblings = walk.siblings(rel);
        FileKinds.Kind byName = FileKinds.byName(name, siblings);
        SnapshotEntry entry;
        if (byName != null) {
            String reason = byName.skipReason();
            try {
                publisher.publish(new FileSkipped(UUID.randomUUID(), Instant.now(), source.sourceId(), rel, name,
                        seen.size, reason));
                if (!removeReplacedPhoto(source, rel, before, tally)) {
                    return;
                }
                tally.skip(reason);
                count(source, "skipped");
                entry = seen.entry(rel, SKIPPED, null, reason);
            } catch (PublishException e) {
                tally.failed++;
                if (holdsPhoto(before)) {
                    // not saved as failed, which would forget the photo: the path stays pending with its checksum
                    tally.errors.add(rel + " held a photo: tried again at the next scan");
                    return;
                }
                entry = seen.entry(rel, FAILED, null, UploadService.KAFKA_UNAVAILABLE);
            }
            snapshots.upsert(source.id(), List.of(entry));
            return;
        }
        UploadService.Outcome outcome;
        try {
            tally.hashed++;
            outcome = uploads.intake(new UploadService.Intake(source.sourceId(), rel, name, seen.file, null,
                    source.removalPolicy(), Instant.ofEpochMilli(seen.mtime), siblings, UploadService.NonImages.SKIP, null));
        } catch (UncheckedIOException e) {
            tally.failed++;
            tally.errors.add("cannot read " + rel + ": " + e.getCause().getMessage());
            snapshots.upsert(source.id(), List.of(seen.entry(rel, FAILED, null, "cannot read the file")));
            return;
        }
        switch (outcome.status()) {
            case CREATED, DUPLICATE -> {
                if (outcome.status() == UploadService.Status.CREATED) {
                    tally.fresh++;
                } else {
                    tally.duplicate++;
                }
                if (afterImport(source, rel, seen, outcome.sha256(), tally)) {
                    snapshots.delete(source.id(), List.of(rel));
                    count(source, outcome.status().name().toLowerCase(java.util.Locale.ROOT));
                    return;
                }
                entry = seen.entry(rel, IMPORTED, outcome.sha256(),
                        "keep".equals(source.afterImport()) ? null : AFTER_IMPORT_DUE);
            }
            case SKIPPED, REJECTED -> {
                if (!removeReplacedPhoto(source, rel, before, tally)) {
                    return;
                }
                tally.skip(outcome.error());
                entry = seen.entry(rel, SKIPPED, outcome.sha256(), outcome.error());
            }
            default -> {
                tally.failed++;
                tally.errors.add(rel + ": " + outcome.error());
                if (holdsPhoto(before)) {
                    // not saved as failed, which would forget the photo: the path stays pending with its checksum
                    tally.errors.add(rel + " held a photo: tried again at the next scan");
                    return;
                }
                entry = seen.entry(rel, FAILED, outcome.sha256(), outcome.error());
            }
        }
        snapshots.upsert(source.id(), List.of(entry));
        count(source, outcome.status().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code imgboard_source_files_total{source,outcome}}: created, duplicate, skipped, rejected, failed. */
    private void count(SourceSettings source, String outcome) {
        registry.counter("imgboard.source.files", "source", source.id(), "outcome", outcome).increment();
    }

    /**
     * Archives or deletes a file whose bytes are stored and announced. @return true when the file is gone
     * from the folder (so the snapshot forgets it without reporting a removal)
     */
    private boolean afterImport(SourceSettings source, String rel, Seen seen, String sha256, Tally tally) {
        try {
            switch (source.afterImport()) {
                case "delete" -> {
                    Files.deleteIfExists(seen.file);
                    tally.deleted++;
                    return true;
                }
                case "archive" -> {
                    Path archive = Path.of(source.archivePath()).normalize();
                    Path target = archive.resolve(rel).normalize();
                    Files.createDirectories(archive); // checked at the start of the scan (SourceRoots)
                    // a folder inside the archive may be a link: the file goes only where it really stays inside
                    if (AllowedRoots.of(archive).holding(target.getParent()).isEmpty()) {
                        throw new IOException("its archive folder leads outside " + archive + " (a link): not moved");
                    }
                    Files.createDirectories(target.getParent());
                    if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(target, seen.file)) {
                        throw new IOException("its place in the archive, " + target + ", is this very file (a bind mount"
                                + " or a hard link?): not archived");
                    }
                    if (holdsSameBytes(target, seen.size, sha256)) {
                        // the same file came again (icloudpd downloads again what left its folder): one copy is kept
                        Files.delete(seen.file);
                    } else {
                        target = free(target);
                        Files.move(seen.file, target);
                    }
                    FileMoved moved = new FileMoved(UUID.randomUUID(), Instant.now(), source.sourceId(), rel,
                            target.toString());
                    try {
                        publisher.publish(moved);
                    } catch (PublishException e) {
                        // The file has left the folder: were the move not announced, the next scan would take
                        // it for deleted and retire its photo. The outbox keeps it, and holds the source's
                        // scans until it is sent, so nothing about the file overtakes it.
                        QuarkusTransaction.requiringNew().run(() -> outbox.add(moved));
                        tally.errors.add("the archiving of " + rel + " waits in the outbox for Kafka");
                    }
                    tally.archived++;
                    return true;
                }
                default -> {
                    return false;
                }
            }
        } catch (IOException | PublishException e) {
            String error = "after import of " + rel + " (" + source.afterImport() + "): " + e.getMessage()
                    + "; tried again at every scan";
            Log.warnf("source %s: %s", source.id(), error);
            tally.errors.add(error);
            return false;
        }
    }

    private static boolean holdsSameBytes(Path file, long size, String sha256) throws IOException {
        return Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.size(file) == size
                && Inspection.of(file).sha256().equals(sha256);
    }

    /** The target, or the first of {@code name-1.ext}, {@code name-2.ext}, ... that does not exist. */
    private static Path free(Path target) {
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return target;
        }
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int i = 1; ; i++) {
            Path candidate = target.resolveSibling(base + "-" + i + ext);
            if (!Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
    }

    /**
     * A path that held an imported photo now holds something that is not one (a text file written over
     * it, a video, an empty file): the photo's origin there is gone, as if the file were deleted.
     * Published after the skip itself; the ledger takes a removal at a path that still has a photo's
     * origin as that origin's going, and keeps the skip listed (WebDAV announces the same two).
     *
     * @return false when Kafka did not take the removal: the snapshot then keeps the path pending with
     *         the photo's checksum, so the next scan takes the file again and announces both again
     */
    private boolean removeReplacedPhoto(SourceSettings source, String rel, SnapshotEntry before, Tally tally) {
        if (!holdsPhoto(before)) {
            return true;
        }
        try {
            announceRemoved(source, rel);
            tally.removed++;
            return true;
        } catch (PublishException e) {
            tally.failed++;
            tally.errors.add("cannot announce that " + rel + " is no longer a photo: Kafka unavailable;"
                    + " tried again at the next scan");
            return false;
        }
    }

    private void announceRemoved(SourceSettings source, String rel) {
        publisher.publish(new FileRemoved(UUID.randomUUID(), Instant.now(), source.sourceId(), rel,
                source.removalPolicy()));
    }

    /**
     * An imported photo gone from its path while a new file of the same size and modification time, and
     * the same bytes, appeared in the same scan was renamed or moved within the folder (sorted into an
     * album folder, say): announced as a {@code FileMoved}, so it stays on the frames, rather than
     * removed now and added again once the new path has settled.
     */
    private boolean renamed(SourceSettings source, SnapshotEntry entry, Map<String, List<String>> newBySizeAndTime,
                            Walk walk, Tally tally) {
        List<String> candidates = newBySizeAndTime.get(entry.size() + "/" + entry.mtimeMillis());
        if (candidates == null || entry.sha256() == null) {
            return false;
        }
        for (String rel : candidates) {
            Seen seen = walk.found.get(rel);
            try {
                if (!entry.sha256().equals(Inspection.of(seen.file).sha256())) {
                    continue;
                }
                publisher.publish(new FileMoved(UUID.randomUUID(), Instant.now(), source.sourceId(), entry.path(), rel));
            } catch (IOException e) {
                continue; // not readable now: the new path is taken as a new file once it settles
            } catch (PublishException e) {
                tally.errors.add("cannot announce the move of " + entry.path() + " to " + rel + ": Kafka unavailable");
                return false;
            }
            candidates.remove(rel);
            snapshots.upsert(source.id(), List.of(seen.entry(rel, IMPORTED, entry.sha256(), null)));
            Log.infof("%s: %s moved to %s", source.sourceId(), entry.path(), rel);
            return true;
        }
        return false;
    }

    /** Whether the ledger has a photo at this entry's path: imported, or changed since and not yet taken again. */
    private static boolean holdsPhoto(SnapshotEntry entry) {
        return entry != null && (IMPORTED.equals(entry.state()) || PENDING.equals(entry.state()) && entry.sha256() != null);
    }

    private void removeGone(SourceSettings source, Map<String, SnapshotEntry> snapshot, Walk walk, Tally tally) {
        List<String> gone = new ArrayList<>();
        Map<String, List<String>> newBySizeAndTime = new HashMap<>();
        walk.found.forEach((rel, seen) -> {
            if (!snapshot.containsKey(rel)) {
                newBySizeAndTime.computeIfAbsent(seen.size + "/" + seen.mtime, k -> new ArrayList<>()).add(rel);
            }
        });
        for (SnapshotEntry entry : snapshot.values()) {
            if (walk.found.containsKey(entry.path())) {
                continue;
            }
            if (walk.unnamable.contains(entry.path()) && holdsPhoto(entry)) {
                // taken before names that are not UTF-8 were left out: its photo stays until the file is
                // renamed, and the renamed file is then the same photo moved (FileMoved)
                continue;
            }
            if (IMPORTED.equals(entry.state()) && renamed(source, entry, newBySizeAndTime, walk, tally)) {
                gone.add(entry.path());
                continue;
            }
            // A skipped file gone is announced too: the ledger lists skipped files until they are removed.
            if (holdsPhoto(entry) || SKIPPED.equals(entry.state())) {
                try {
                    announceRemoved(source, entry.path());
                    tally.removed++;
                } catch (PublishException e) {
                    tally.errors.add("cannot announce the removal of " + entry.path() + ": Kafka unavailable");
                    continue; // kept: tried again next scan
                }
            }
            gone.add(entry.path());
        }
        snapshots.delete(source.id(), gone);
    }

    private void simulate(SourceSettings source, Walk walk, List<String> candidates, Tally tally) {
        Map<String, String> shaByPath = new HashMap<>();
        for (String rel : candidates) {
            Seen seen = walk.found.get(rel);
            String name = seen.file.getFileName().toString();
            Predicate<String> siblings = walk.siblings(rel);
            FileKinds.Kind byName = FileKinds.byName(name, siblings);
            if (byName != null) {
                tally.skip(byName.skipReason());
                continue;
            }
            try {
                tally.hashed++;
                Inspection inspection = Inspection.of(seen.file);
                String reason = inspection.size() == 0 ? FileKinds.EMPTY_REASON
                        : FileKinds.of(name, inspection.detected(), siblings).skipReason();
                if (reason == null && inspection.detected().kind() != MagicBytes.Kind.IMAGE) {
                    reason = FileKinds.NOT_AN_IMAGE_REASON;
                }
                if (reason != null) {
                    tally.skip(reason);
                } else {
                    shaByPath.put(rel, inspection.sha256());
                }
            } catch (IOException e) {
                tally.failed++;
                tally.errors.add("cannot read " + rel + ": " + e.getMessage());
            }
        }
        Set<String> known = new HashSet<>(snapshots.imported(shaByPath.values()));
        List<String> distinct = List.copyOf(new HashSet<>(shaByPath.values()));
        try {
            for (int i = 0; i < distinct.size(); i += 1000) {
                known.addAll(ledger.known(distinct.subList(i, Math.min(distinct.size(), i + 1000))));
            }
        } catch (LedgerClient.LedgerUnavailableException e) {
            tally.errors.add("the ledger is not reachable: duplicates are counted against ingest's own sources only");
        }
        Set<String> counted = new HashSet<>();
        for (String sha : new TreeMap<>(shaByPath).values()) {
            if (known.contains(sha) || !counted.add(sha)) {
                tally.duplicate++;
            } else {
                tally.fresh++;
            }
        }
    }

    /** Walks the source; {@code watch}: registers each folder it enters for change hints. */
    private Walk walk(Path root, SourceSettings source, Tally tally, boolean watch) {
        Walk walk = new Walk(root);
        SourceRules rules = SourceRules.of(source);
        Path realRoot = realOrNull(root); // null: the walk itself reports the folder as unreadable
        int depth = source.recursive() ? Integer.MAX_VALUE : 1;
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), depth, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && rules.skipsFolder(relative(root, dir))) {
                        if (rules.folderLeftOutByGlobs(relative(root, dir))) {
                            tally.skip(FOLDER_LEFT_OUT);
                        }
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (!dir.equals(root) && leavesRoot(dir, realRoot)) {
                        tally.errors.add(OUTSIDE.formatted(relative(root, dir)));
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (watch) {
                        watcher.watch(source.id(), dir);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String rel = relative(root, file);
                    if (!attrs.isRegularFile()) {
                        // Links are followed, so a link here leads nowhere: its target is gone or links go round.
                        if (!attrs.isDirectory() && rules.takes(rel)) {
                            tally.errors.add((attrs.isSymbolicLink() ? BROKEN_LINK : NOT_A_FILE).formatted(rel));
                        }
                        return FileVisitResult.CONTINUE;
                    }
                    if (!rules.takes(rel)) {
                        if (FileKinds.isPartial(file.getFileName().toString())
                                && attrs.lastModifiedTime().toInstant().isBefore(Instant.now().minus(STALE_AFTER))) {
                            walk.stalePartials.add(rel);
                        }
                        if (rules.leftOutByGlobs(rel)) {
                            tally.skip(LEFT_OUT);
                            if (rules.leftOutByCase(rel)) {
                                walk.leftOutByCase.add(rel);
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }
                    if (leavesRoot(file, realRoot)) {
                        tally.errors.add(OUTSIDE.formatted(rel));
                        return FileVisitResult.CONTINUE;
                    }
                    String unnamable = nameProblem(root, file, rel);
                    if (unnamable != null) {
                        walk.unnamable.add(rel);
                        tally.errors.add(unnamable);
                        return FileVisitResult.CONTINUE;
                    }
                    long ctime = ctimeOf(file, attrs.lastModifiedTime().toMillis());
                    walk.found.put(rel, new Seen(file, attrs.size(), attrs.lastModifiedTime().toMillis(), ctime));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    String rel = relative(root, file);
                    if (e instanceof FileSystemLoopException) {
                        tally.errors.add("symlink loop at " + rel + ": not followed");
                    } else if (!rules.skipsFolder(rel) && rules.takes(rel)) {
                        walk.complete = false;
                        tally.errors.add("cannot read " + rel + ": " + e.getMessage());
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            walk.complete = false;
            tally.errors.add("cannot walk " + root + ": " + e.getMessage());
        }
        if (!walk.stalePartials.isEmpty()) {
            int n = walk.stalePartials.size();
            tally.errors.add(STALE_PARTIAL.formatted(n == 1 ? "an unfinished download" : n + " unfinished downloads",
                    walk.stalePartials.first()));
        }
        if (!walk.leftOutByCase.isEmpty()) {
            int n = walk.leftOutByCase.size();
            tally.errors.add(BY_CASE.formatted(n == 1 ? "a file" : n + " files", walk.leftOutByCase.first(),
                    String.join(", ", source.include())));
        }
        return walk;
    }

    /** A name the source would take that is a link leading nowhere (its target is missing, or links go round). */
    static final String BROKEN_LINK = "%s is a link to nothing that can be read (its target is missing, or links lead"
            + " back to each other): not taken";

    /** A name the source would take that is a named pipe, a socket or a device: reading it could wait forever. */
    static final String NOT_A_FILE = "%s is not a file but a pipe, socket or device: not read";

    /** How long a download's partial file may stay untouched before its tool is taken to have stopped. */
    static final Duration STALE_AFTER = Duration.ofDays(1);

    /** Said while partial files lie untouched: a downloader (icloudpd, rclone) that crashed leaves them. */
    static final String STALE_PARTIAL = "%s such as %s untouched for over a day: did the download tool stop? Such a"
            + " file is not a photo until the tool renames it; run the tool again, or delete it";

    /** Counted per scan among the skipped files: left out by the source's include or exclude globs. */
    static final String LEFT_OUT = "left out by the source's include/exclude globs";

    /** Counted per scan among the skipped: folders the exclude globs left out, unread (their files are not counted). */
    static final String FOLDER_LEFT_OUT = "folders left out by the source's exclude globs, unread";

    /** Said when the include globs leave out files they would take if they ignored case. */
    static final String BY_CASE = "%s such as %s left out only by the case of the include globs (%s): globs match"
            + " case for case: to take them, write e.g. *.{jpg,JPG}; to leave them out quietly, exclude them";

    /** File events carry no control characters ({@link FileEvent#forbiddenCharacter}); such a name is left for a person to fix. */
    static final String CONTROL = "%s has a control character (U+%04X) in its name: not taken; rename it";

    /** A name whose bytes are not UTF-8 (an SMB share's or an old ZIP's Latin-1): the service cannot open it by its name. */
    static final String NOT_UTF8 = "%s: its name is not UTF-8 text, which this service cannot open: not taken;"
            + " rename it (e.g. convmv -f latin1 -t utf8)";

    /**
     * Why a listed file is left for a person to rename, or null: the one rule for names the service
     * cannot carry. A control character no file event may hold; and a name that is not UTF-8. The JVM
     * decodes names as UTF-8 ({@code sun.jnu.encoding}) and shows each byte that is not as U+FFFD: the
     * listed path still holds the raw bytes, but its text names another file or none (the S3 client
     * opens the file by that text, the origin path would be that text), and different names collapse to
     * one text. A name with a real U+FFFD, in UTF-8, is made again from its text and is taken as any.
     */
    private static String nameProblem(Path root, Path file, String rel) {
        int control = FileEvent.forbiddenCharacter(rel);
        if (control >= 0) {
            return CONTROL.formatted(rel.replaceAll("\\p{Cntrl}", "?"), control);
        }
        if (rel.indexOf('\uFFFD') >= 0 && !sameFile(file, Path.of(file.toString()))) {
            return NOT_UTF8.formatted(rawRelative(file, root.relativize(file).getNameCount(), rel));
        }
        return null;
    }

    private static boolean sameFile(Path listed, Path byText) {
        try {
            return Files.exists(byText, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(listed, byText);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The last {@code names} names of the file's path, each byte that is not part of UTF-8 text shown as
     * {@code \xE9}: two Latin-1 names the JVM shows alike ({@code y\uFFFD.jpg}) are told apart. Read from its
     * URI, the one place the platform gives a path's raw bytes ({@code %E9}); {@code fallback} otherwise.
     */
    private static String rawRelative(Path file, int names, String fallback) {
        String[] segments = file.toUri().getRawPath().split("/");
        if (segments.length < names) {
            return fallback;
        }
        java.util.StringJoiner shown = new java.util.StringJoiner("/");
        for (int i = segments.length - names; i < segments.length; i++) {
            shown.add(showBytes(java.net.URLDecoder.decode(segments[i].replace("+", "%2B"),
                    java.nio.charset.StandardCharsets.ISO_8859_1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        }
        return shown.toString();
    }

    /** UTF-8 text, each byte that is not part of it as {@code \xNN}. */
    private static String showBytes(byte[] bytes) {
        java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        StringBuilder shown = new StringBuilder();
        while (true) {
            java.nio.charset.CoderResult result = utf8.decode(in, out, true);
            shown.append(out.flip());
            out.clear();
            if (!result.isError()) {
                return shown.toString();
            }
            for (int i = 0; i < result.length(); i++) {
                shown.append("\\x%02X".formatted(in.get() & 0xff));
            }
        }
    }

    /** A link that leads out of the source folder is never followed: the source is that folder, not the host. */
    static final String OUTSIDE = "symlink at %s points outside the source folder: not followed";

    /**
     * Whether {@code path} is a symlink whose target is not inside the folder ({@code realRoot}: the
     * root with its own links resolved). Links inside the folder (album folders that point into
     * {@code _All-Photos}) are followed; everything under a followed folder is checked by the same rule.
     */
    private static boolean leavesRoot(Path path, Path realRoot) {
        if (!Files.isSymbolicLink(path)) {
            return false;
        }
        try {
            return realRoot == null || !path.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return true; // dangling: nothing to follow
        }
    }

    /** The path with its links resolved, or null when it does not exist or cannot be read. */
    public static Path realOrNull(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException | InvalidPathException e) {
            return null;
        }
    }

    /**
     * The path below the root, its names joined by {@code /}. Not its string with {@code \} made {@code /}: on
     * Linux a backslash is a character of a name, and {@code back\slash.jpg} would take the origin of
     * {@code back/slash.jpg}.
     */
    private static String relative(Path root, Path file) {
        java.util.StringJoiner path = new java.util.StringJoiner("/");
        root.relativize(file).forEach(name -> path.add(name.toString()));
        return path.toString();
    }

    private record Seen(Path file, long size, long mtime, long ctime) {
        SnapshotEntry entry(String rel, String state, String sha, String reason) {
            return new SnapshotEntry(rel, size, mtime, ctime, Instant.now(), state, sha, reason);
        }
    }

    private static final class Walk {
        final Path root;
        final Map<String, Seen> found = new HashMap<>();
        /** Files left for a person to rename ({@link FolderScanner#nameProblem}): there, so not gone. */
        final Set<String> unnamable = new HashSet<>();
        /** Files the include globs leave out only by case ({@link SourceRules#leftOutByCase}), sorted for the example. */
        final java.util.SortedSet<String> leftOutByCase = new java.util.TreeSet<>();
        /** Partial files of a download untouched for {@link #STALE_AFTER}, sorted for the example. */
        final java.util.SortedSet<String> stalePartials = new java.util.TreeSet<>();
        boolean complete = true;

        Walk(Path root) {
            this.root = root;
        }

        /** Whether a file of that name was found in the same folder as {@code rel}. */
        Predicate<String> siblings(String rel) {
            int slash = rel.lastIndexOf('/');
            String dir = slash < 0 ? "" : rel.substring(0, slash + 1);
            return name -> found.containsKey(dir + name);
        }
    }

    private static final class Tally {
        int discovered;
        int fresh;
        int duplicate;
        final Map<String, Integer> skipped = new TreeMap<>();
        int failed;
        int pending;
        int removed;
        int archived;
        int deleted;
        int hashed;
        boolean held;
        final List<String> errors = new ArrayList<>();

        void skip(String reason) {
            skipped.merge(reason, 1, Integer::sum);
        }

        ScanReport report(String id, boolean simulated, Instant started, long millis) {
            return new ScanReport(id, simulated, started, millis, discovered, fresh, duplicate, Map.copyOf(skipped),
                    failed, pending, removed, archived, deleted, hashed, held, List.copyOf(errors));
        }
    }
}
