package io.imgboard.ledger.service;

import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.imgboard.ledger.persistence.OriginEntity;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.StoredRendition;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What frames see of a photo, through the compacted {@code imgboard.catalog} (outbox, same
 * transaction as the change): a {@link PhotoPublished} while it is visible, a tombstone once it is
 * not (retired, hidden, deleted).
 */
@ApplicationScoped
public class Catalog {
    private final PhotoRepository photos;
    private final OriginRepository origins;
    private final Outbox outbox;

    Catalog(PhotoRepository photos, OriginRepository origins, Outbox outbox) {
        this.photos = photos;
        this.origins = origins;
        this.outbox = outbox;
    }

    /**
     * Tells frames the photo's current state.
     *
     * @param wasVisible whether frames showed it before this change: a tombstone is written only then
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void update(PhotoEntity photo, boolean wasVisible) {
        if (photo.visible()) {
            outbox.add(Topics.CATALOG, photo.id.toString(), published(photo));
        } else if (wasVisible) {
            outbox.add(Topics.CATALOG, photo.id.toString(), null);
            Log.infof("photo %s leaves the catalog (hidden %s, retired %s, deleted %s)", photo.id, photo.hidden,
                    photo.retiredAt, photo.deletedAt);
        }
    }

    private PhotoPublished published(PhotoEntity photo) {
        List<UUID> group = new ArrayList<>();
        group.add(photo.id);
        photos.twinsOf(photo.id).forEach(twin -> group.add(twin.id));
        List<OriginEntity> all = origins.ofPhotos(group);
        List<String> sourceIds = all.stream().map(o -> o.sourceId).distinct().sorted().toList();
        List<String> deviceIds = all.stream().map(o -> o.deviceId).filter(Objects::nonNull).distinct().sorted().toList();
        List<Rendition> renditions = new ArrayList<>();
        for (StoredRendition r : photo.renditions) {
            renditions.add(new Rendition(r.name(), r.key(), r.width(), r.height(), r.bytes()));
        }
        // Frames order and label by capture time; without EXIF the file's own time is the best guess.
        Instant shownCapturedAt = photo.capturedAt != null ? photo.capturedAt : photo.fileModifiedAt;
        return new PhotoPublished(UUID.randomUUID(), Instant.now(), photo.id, photo.sha256, renditions,
                photo.width == null ? 0 : photo.width, photo.height == null ? 0 : photo.height, shownCapturedAt,
                photo.placeholder, photo.name, photo.createdAt, sourceIds, deviceIds,
                photo.capturedAt != null ? photo.capturedLocalTime : null);
    }
}
