package io.imgboard.ledger.service;

import io.imgboard.ledger.persistence.OriginEntity;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoCounts;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.PhotoStatus;
import io.imgboard.ledger.persistence.StoredRendition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Read side of the ledger: entities in, records out. */
@ApplicationScoped
@Transactional
public class PhotoQueries {
    private final PhotoRepository photos;
    private final OriginRepository origins;

    PhotoQueries(PhotoRepository photos, OriginRepository origins) {
        this.photos = photos;
        this.origins = origins;
    }

    public Optional<PhotoDetails> byId(UUID photoId) {
        return Optional.ofNullable(photos.findById(photoId)).map(photo -> details(List.of(photo)).get(0));
    }

    public Optional<PhotoDetails> bySha256(String sha256) {
        return photos.findBySha256(sha256.toLowerCase(Locale.ROOT)).map(photo -> details(List.of(photo)).get(0));
    }

    /**
     * Newest first; {@code status} (PENDING, READY or FAILED, any case) empty means every status.
     *
     * @throws IllegalArgumentException for an unknown status
     */
    public List<PhotoDetails> newest(Optional<String> status, int limit) {
        return details(photos.newest(status.map(PhotoQueries::status).orElse(null), limit));
    }

    private static PhotoStatus status(String name) {
        try {
            return PhotoStatus.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be one of " + java.util.Arrays.toString(PhotoStatus.values())
                    + ", not " + name, e);
        }
    }

    /** Failed photos, most recent failure first, with the names they arrived under. */
    public List<FailureSummary> failures(int limit) {
        List<PhotoEntity> failed = photos.failed(limit);
        Map<UUID, List<OriginEntity>> originsByPhoto = originsOf(failed);
        return failed.stream().map(photo -> new FailureSummary(photo.id, photo.sha256,
                        originsByPhoto.getOrDefault(photo.id, List.of()).stream().map(o -> o.name).distinct().toList(),
                        photo.failureReason, Boolean.TRUE.equals(photo.failurePermanent), photo.failedAt))
                .toList();
    }

    public LedgerStats stats() {
        PhotoCounts counts = photos.counts();
        return new LedgerStats(counts.photos(), counts.ready(), counts.pending(), counts.failed(), counts.origins(),
                counts.origins() - counts.photosWithOrigins());
    }

    private List<PhotoDetails> details(List<PhotoEntity> page) {
        Map<UUID, List<OriginEntity>> originsByPhoto = originsOf(page);
        return page.stream().map(photo -> new PhotoDetails(photo.id, photo.sha256, photo.status.name(),
                photo.failureReason, photo.failurePermanent,
                originsByPhoto.getOrDefault(photo.id, List.of()).stream()
                        .map(o -> new PhotoDetails.OriginView(o.sourceId, o.path, o.name, o.firstSeenAt, o.lastSeenAt))
                        .toList(),
                photo.renditions == null ? List.of() : photo.renditions.stream().map(PhotoQueries::rendition).toList(),
                photo.width, photo.height, photo.capturedAt, photo.format, photo.contentType, photo.size,
                photo.cameraMake, photo.cameraModel, photo.perceptualHash, photo.createdAt, photo.updatedAt)).toList();
    }

    private Map<UUID, List<OriginEntity>> originsOf(List<PhotoEntity> page) {
        return origins.ofPhotos(page.stream().map(p -> p.id).toList()).stream()
                .collect(Collectors.groupingBy(o -> o.photoId));
    }

    private static PhotoDetails.RenditionView rendition(StoredRendition r) {
        return new PhotoDetails.RenditionView(r.name(), r.key(), r.width(), r.height(), r.bytes());
    }
}
