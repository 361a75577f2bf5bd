package io.imgboard.ledger.service;

import io.imgboard.ledger.persistence.OriginEntity;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoCounts;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoFilter;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.SourceCountRepository;
import io.imgboard.ledger.persistence.StoredRendition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/** Read side of the ledger: entities in, records out. */
@ApplicationScoped
@Transactional
public class PhotoQueries {
    private static final Set<String> STATES = Set.of("PENDING", "READY", "FAILED", "RETIRED", "HIDDEN", "DELETED");
    private static final List<String> COUNTED = List.of("discovered", "new", "duplicate", "twin", "retired");

    private final PhotoRepository photos;
    private final OriginRepository origins;
    private final SourceCountRepository counts;

    PhotoQueries(PhotoRepository photos, OriginRepository origins, SourceCountRepository counts) {
        this.photos = photos;
        this.origins = origins;
        this.counts = counts;
    }

    public Optional<PhotoDetails> byId(UUID photoId) {
        return Optional.ofNullable(photos.findById(photoId)).map(photos::primaryOf).map(this::details);
    }

    /** The photo this content belongs to: its own, or the photo it is a twin of. */
    public Optional<PhotoDetails> bySha256(String sha256) {
        return photos.findBySha256(sha256.toLowerCase(Locale.ROOT)).map(photos::primaryOf).map(this::details);
    }

    /** Which of these (lowercase) sha256s a client need not send: known, and deleted or not retired. */
    public List<String> known(Collection<String> sha256s) {
        return photos.known(sha256s);
    }

    /**
     * Newest first; {@code state} (any case) one of PENDING, READY, FAILED, RETIRED, HIDDEN, DELETED.
     *
     * @throws IllegalArgumentException for an unknown state
     */
    public List<PhotoDetails> page(Optional<String> state, PhotoFilter filter, int limit) {
        String wanted = state.map(s -> s.toUpperCase(Locale.ROOT)).orElse(null);
        if (wanted != null && !STATES.contains(wanted)) {
            throw new IllegalArgumentException("status must be one of " + new java.util.TreeSet<>(STATES) + ", not " + state.get());
        }
        PhotoFilter withState = new PhotoFilter(wanted, filter.sourceIds(), filter.deviceId(), filter.from(), filter.to(),
                filter.afterCreatedAt(), filter.afterId());
        return photos.page(withState, limit).stream().map(this::details).toList();
    }

    /** Failed photos, most recent failure first, with the names they arrived under. */
    public List<FailureSummary> failures(int limit) {
        List<PhotoEntity> failed = photos.failed(limit);
        Map<UUID, List<OriginEntity>> originsByPhoto = origins.ofPhotos(failed.stream().map(p -> p.id).toList()).stream()
                .collect(Collectors.groupingBy(o -> o.photoId));
        return failed.stream().map(photo -> new FailureSummary(photo.id, photo.sha256,
                        originsByPhoto.getOrDefault(photo.id, List.of()).stream().map(o -> o.name).distinct().toList(),
                        photo.failureReason, Boolean.TRUE.equals(photo.failurePermanent), photo.failedAt))
                .toList();
    }

    public LedgerStats stats() {
        PhotoCounts c = photos.counts();
        Map<String, Map<String, Long>> counters = counts.all();
        Map<String, Map<String, Long>> skipped = counts.skipped();
        Map<String, Map<String, Long>> failed = photos.failedBySourceAndReason();
        Set<String> sourceIds = new java.util.TreeSet<>();
        sourceIds.addAll(counters.keySet());
        sourceIds.addAll(skipped.keySet());
        sourceIds.addAll(failed.keySet());
        Map<String, Map<String, Object>> sources = new TreeMap<>();
        Map<String, Long> totals = new LinkedHashMap<>();
        COUNTED.forEach(stage -> totals.put(stage, 0L));
        Map<String, Long> skippedTotal = new TreeMap<>();
        for (String source : sourceIds) {
            Map<String, Object> perSource = new LinkedHashMap<>();
            Map<String, Long> mine = counters.getOrDefault(source, Map.of());
            for (String stage : COUNTED) {
                long n = mine.getOrDefault(stage, 0L);
                perSource.put(stage, n);
                totals.merge(stage, n, Long::sum);
            }
            mine.forEach((stage, n) -> {
                if (!COUNTED.contains(stage)) {
                    perSource.put(stage, n);
                }
            });
            Map<String, Long> s = skipped.getOrDefault(source, Map.of());
            perSource.put("skipped", s);
            s.forEach((reason, n) -> skippedTotal.merge(reason, n, Long::sum));
            Map<String, Long> f = failed.getOrDefault(source, Map.of());
            perSource.put("failed", f);
            sources.put(source, perSource);
        }
        Map<String, Object> stages = new LinkedHashMap<>(totals);
        stages.put("skipped", skippedTotal);
        stages.put("failed", photos.failedByReason());
        return new LedgerStats(c.photos(), c.ready(), c.pending(), c.failed(), c.origins(),
                c.origins() - c.photosWithOrigins(), c.twins(), c.retired(), c.hidden(), c.deleted(), c.shown(),
                stages, sources);
    }

    private PhotoDetails details(PhotoEntity photo) {
        List<PhotoEntity> twins = photos.twinsOf(photo.id);
        Map<UUID, String> shaById = new LinkedHashMap<>();
        shaById.put(photo.id, photo.sha256);
        twins.forEach(t -> shaById.put(t.id, t.sha256));
        List<OriginEntity> all = origins.ofPhotos(new ArrayList<>(shaById.keySet()));
        String state = photo.deletedAt != null ? "DELETED" : photo.retiredAt != null ? "RETIRED"
                : photo.hidden ? "HIDDEN" : photo.status.name();
        return new PhotoDetails(photo.id, photo.id, photo.sha256, photo.name, photo.status.name(), state, photo.hidden,
                photo.retiredAt, photo.deletedAt, photo.failureReason, photo.failurePermanent, photo.nextRetryAt,
                all.stream().map(o -> new PhotoDetails.OriginView(o.sourceId, o.path, o.name, o.deviceId,
                        shaById.get(o.photoId), o.firstSeenAt, o.lastSeenAt)).toList(),
                twins.stream().map(t -> new PhotoDetails.TwinView(t.id, t.sha256, t.width, t.height, t.format,
                        t.sha256.equals(photo.renderedSha256))).toList(),
                photo.renditions == null ? List.of() : photo.renditions.stream().map(PhotoQueries::rendition).toList(),
                photo.width, photo.height, photo.capturedAt, photo.capturedAt != null ? photo.capturedLocalTime : null,
                photo.fileModifiedAt, photo.format, photo.contentType, photo.size,
                photo.cameraMake, photo.cameraModel, photo.perceptualHash, photo.createdAt, photo.updatedAt);
    }

    private static PhotoDetails.RenditionView rendition(StoredRendition r) {
        return new PhotoDetails.RenditionView(r.name(), r.key(), r.width(), r.height(), r.bytes());
    }
}
