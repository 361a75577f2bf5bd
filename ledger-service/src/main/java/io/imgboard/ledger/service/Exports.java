package io.imgboard.ledger.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.ExportRequested;
import io.imgboard.events.FileExported;
import io.imgboard.events.Topics;
import io.imgboard.ledger.persistence.ExportRepository;
import io.imgboard.ledger.persistence.OriginEntity;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.SourceCountRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Export of photos into a folder, without loops (iCloudBridge's bidirectional mode). The ledger
 * decides what to export and records it; ingest, which owns the originals and the folders, writes
 * the files ({@link ExportRequested} → {@link FileExported}). A written file becomes an origin of its
 * photo at the folder source that holds it, so that source's scan finds a known place and imports
 * nothing; photos that came from that source are never exported into it; a photo written (or on
 * its way) is never requested again, so running twice changes nothing.
 */
@ApplicationScoped
public class Exports {
    static final String SKIP_ALREADY = "already exported";
    static final String SKIP_FROM_TARGET = "came from the export folder";
    static final String SKIP_BEFORE_BASELINE = "arrived before the baseline";
    static final String SKIP_HIDDEN = "hidden from the frames";
    private static final int MAX_NAME = 120;

    /** Export settings as the API shows and takes them. */
    public record Settings(String path, String layout, String mode, Instant baseline, String sourceId) {
    }

    /** What an export would do or did. */
    public record Plan(UUID runId, String folder, int export, Map<String, Integer> skipped, List<String> sample) {
    }

    private record Item(ExportRepository.Candidate photo, String relativePath) {
    }

    private final ExportRepository exports;
    private final PhotoRepository photos;
    private final OriginRepository origins;
    private final SourceCountRepository counts;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Catalog catalog;

    Exports(ExportRepository exports, PhotoRepository photos, OriginRepository origins, SourceCountRepository counts,
            Outbox outbox, ObjectMapper json, Catalog catalog) {
        this.catalog = catalog;
        this.exports = exports;
        this.photos = photos;
        this.origins = origins;
        this.counts = counts;
        this.outbox = outbox;
        this.json = json;
    }

    @Transactional
    public Settings settings() {
        return exports.setting().map(s -> new Settings(s.path(), s.layout(), s.mode(), s.baseline(), s.sourceId()))
                .orElse(new Settings(null, "date", "going-forward", null, null));
    }

    /**
     * @throws IllegalArgumentException naming what is wrong
     */
    @Transactional
    public Settings save(Settings wanted) {
        if (wanted == null) {
            throw new IllegalArgumentException("body must be {\"path\", \"layout\", \"mode\", \"baseline\"}");
        }
        String path = wanted.path() == null || wanted.path().isBlank() ? null : wanted.path().strip();
        if (path != null) {
            EventChecks.checkPath(path);
        }
        String layout = wanted.layout() == null ? "date" : wanted.layout();
        if (!layout.equals("date") && !layout.equals("flat")) {
            throw new IllegalArgumentException("layout must be \"date\" (YYYY/MM/<name>) or \"flat\", not " + layout);
        }
        String mode = wanted.mode() == null ? "going-forward" : wanted.mode();
        if (!mode.equals("going-forward") && !mode.equals("full")) {
            throw new IllegalArgumentException("mode must be \"going-forward\" or \"full\", not " + mode);
        }
        Instant baseline = wanted.baseline();
        if (mode.equals("going-forward") && baseline == null) {
            // Saving the same folder again (another layout, another source) keeps its baseline: photos that
            // arrived since it and were not exported yet stay to be exported. A new folder starts from now.
            Settings current = settings();
            baseline = current.mode().equals("going-forward") && current.baseline() != null
                    && Objects.equals(current.path(), path) ? current.baseline() : Instant.now();
        }
        String sourceId = wanted.sourceId() == null || wanted.sourceId().isBlank() ? null : wanted.sourceId().strip();
        if (sourceId != null && (sourceId.length() > EventChecks.MAX_SOURCE_ID || sourceId.chars().anyMatch(c -> c < 0x20))) {
            throw new IllegalArgumentException("sourceId must be a source id such as folder:nas");
        }
        exports.save(new ExportRepository.Setting(path, layout, mode, baseline, sourceId), Instant.now());
        return settings();
    }

    @Transactional
    public Plan simulate() {
        return plan(false);
    }

    @Transactional
    public Plan run() {
        return plan(true);
    }

    private Plan plan(boolean run) {
        Settings settings = settings();
        if (settings.path() == null) {
            throw new IllegalStateException("no export folder is set: save one first (the admin page's Export, or "
                    + "PUT /api/v1/export {\"path\": ...})");
        }
        String folder = settings.path();
        Set<UUID> done = exports.exported(folder);
        Set<String> taken = exports.takenPaths(folder);
        Map<String, Integer> skipped = new TreeMap<>();
        List<Item> items = new ArrayList<>();
        for (ExportRepository.Candidate photo : exports.candidates()) {
            String reason = null;
            if (done.contains(photo.photoId())) {
                reason = SKIP_ALREADY;
            } else if (settings.sourceId() != null && photo.sourceIds().contains(settings.sourceId())) {
                reason = SKIP_FROM_TARGET;
            } else if ("going-forward".equals(settings.mode()) && settings.baseline() != null
                    && photo.createdAt().isBefore(settings.baseline())) {
                reason = SKIP_BEFORE_BASELINE;
            }
            if (reason != null) {
                skipped.merge(reason, 1, Integer::sum);
                continue;
            }
            String path = uniquePath(relativePath(settings.layout(), photo), taken);
            taken.add(path);
            items.add(new Item(photo, path));
        }
        int hidden = exports.hidden();
        if (hidden > 0) {
            skipped.put(SKIP_HIDDEN, hidden);
        }
        List<String> sample = items.stream().limit(20).map(Item::relativePath).toList();
        if (!run) {
            return new Plan(null, folder, items.size(), skipped, sample);
        }
        UUID runId = UUID.randomUUID();
        Instant now = Instant.now();
        exports.createRun(runId, folder, now, items.size(), toJson(skipped));
        for (Item item : items) {
            exports.requested(folder, item.photo().photoId(), runId, item.relativePath(), now);
            outbox.add(Topics.EXPORT_REQUESTS, item.photo().photoId().toString(), new ExportRequested(UUID.randomUUID(),
                    now, runId, item.photo().photoId(), item.photo().sha256(), item.photo().originalKey(), folder,
                    item.relativePath()));
        }
        Log.infof("export run %s into %s: %d photos requested, skipped %s", runId, folder, items.size(), skipped);
        return new Plan(runId, folder, items.size(), skipped, sample);
    }

    /** {@code YYYY/MM/<name>} by when it was taken (else its file time, else its arrival), or {@code <name>}. */
    static String relativePath(String layout, ExportRepository.Candidate photo) {
        String name = safeName(photo.name(), photo.sha256());
        if ("flat".equals(layout)) {
            return name;
        }
        ZonedDateTime at = photo.shotAt().atZone(ZoneOffset.UTC);
        return String.format("%04d/%02d/%s", at.getYear(), at.getMonthValue(), name);
    }

    /** The file name only, without anything a file system could take for a path or a control. */
    static String safeName(String name, String sha256) {
        String base = name == null ? "" : name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder out = new StringBuilder();
        for (char c : base.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>'
                    || c == '|' ? '_' : c);
        }
        String safe = out.toString().strip();
        while (safe.startsWith(".")) {
            safe = safe.substring(1);
        }
        if (safe.isEmpty()) {
            safe = sha256.substring(0, 16) + ".jpg";
        }
        return safe.length() > MAX_NAME ? safe.substring(safe.length() - MAX_NAME) : safe;
    }

    /** Two photos called alike in one place: the second gets {@code -1}, {@code -2}, ... before its extension. */
    static String uniquePath(String path, Set<String> taken) {
        if (!taken.contains(path)) {
            return path;
        }
        int dot = path.lastIndexOf('.');
        int slash = path.lastIndexOf('/');
        String stem = dot > slash ? path.substring(0, dot) : path;
        String extension = dot > slash ? path.substring(dot) : "";
        for (int i = 1; ; i++) {
            String candidate = stem + "-" + i + extension;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    private String toJson(Map<String, Integer> skipped) {
        try {
            return json.writeValueAsString(skipped);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Transactional
    public Map<String, Object> summary() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        Settings s = settings();
        out.put("path", s.path());
        out.put("layout", s.layout());
        out.put("mode", s.mode());
        out.put("baseline", s.baseline());
        out.put("sourceId", s.sourceId());
        out.put("lastRun", exports.latestRun().map(run -> {
            Map<String, Object> r = new java.util.LinkedHashMap<>();
            r.put("id", run.id());
            r.put("folder", run.folder());
            r.put("startedAt", run.startedAt());
            r.put("requested", run.requested());
            r.put("written", run.written());
            r.put("failed", run.failed());
            r.put("failures", exports.failures(run.id(), 5)); // what an operator must fix, not only how many
            try {
                r.put("skipped", json.readTree(run.skipped()));
            } catch (JsonProcessingException e) {
                r.put("skipped", Map.of());
            }
            return r;
        }).orElse(null));
        return out;
    }

    /** Ingest's answer: the written file becomes an origin of the photo; the run counts it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void exported(FileExported event) {
        PhotoEntity photo = photos.findById(event.photoId());
        if (photo == null) {
            Log.warnf("FileExported for unknown photo %s ignored", event.photoId());
            return;
        }
        PhotoMdc.set(photo.id);
        Instant now = Instant.now();
        if (event.exportRunId() != null) {
            // the path ingest wrote, which differs from the requested one when a file of that name was there
            String writtenName = event.written() && event.path() != null ? FileEvents.lastSegment(event.path()) : null;
            exports.settled(event.exportRunId(), photo.id, event.written(), writtenName,
                    EventChecks.cleanText(event.error(), 2000), now);
        }
        if (!event.written()) {
            counts.add(event.sourceId(), "export-failed", 1);
            Log.warnf("photo %s was not exported to %s:%s: %s", photo.id, event.sourceId(), event.path(), event.error());
            return;
        }
        settings();
        exports.setting().ifPresent(s -> {
            if (s.path() != null) {
                exports.learnSource(s.path(), event.sourceId());
            }
        });
        if (origins.findBySourceAndPath(event.sourceId(), event.path()).isPresent()) {
            return;
        }
        Instant at = event.occurredAt() != null ? event.occurredAt() : now;
        OriginEntity origin = new OriginEntity();
        // The place holds the bytes written, a better twin's when that is what the photo shows: the
        // folder's scan then finds it a known place of those bytes, not a file replaced in place.
        origin.photoId = event.sha256() == null ? photo.id : photos.findBySha256(event.sha256())
                .filter(written -> written.id.equals(photo.id) || photo.id.equals(written.twinOf))
                .map(written -> written.id).orElse(photo.id);
        origin.sourceId = event.sourceId();
        origin.path = event.path();
        origin.name = FileEvents.lastSegment(event.path());
        origin.firstSeenAt = at;
        origin.lastSeenAt = at;
        origins.persist(origin);
        counts.add(event.sourceId(), "exported", 1);
        Log.infof("photo %s exported to %s:%s", photo.id, event.sourceId(), event.path());
        // A new place, as an arrival's is: frames filtering by that source must see the photo.
        // Decided on its row held: an operator's hide or delete committing meanwhile must not be published over.
        PhotoEntity primary = photos.lockedForUpdate(photos.primaryOf(photo));
        if (primary.visible()) {
            catalog.update(primary, true);
        }
    }
}
