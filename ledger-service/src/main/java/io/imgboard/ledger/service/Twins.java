package io.imgboard.ledger.service;

import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.Comparator;
import java.util.Optional;

/**
 * Near-duplicates: the HEIC icloudpd downloaded and the JPEG PhotoSync pushed of one shot. Two photos
 * are twins when their perceptual hashes differ in at most {@code imgboard.ledger.twins.max-distance}
 * bits and their capture times are within the window, or neither has a capture time and their
 * dimensions are equal.
 */
@ApplicationScoped
public class Twins {
    private static final int MAX_CANDIDATES = 200;

    private final PhotoRepository photos;
    private final LedgerConfig.Twins config;

    Twins(PhotoRepository photos, LedgerConfig config) {
        this.photos = photos;
        this.config = config.twins();
    }

    /**
     * The existing photo this one is the same shot as: one on the frames before a retired one (which
     * joining would bring back beside it), a retired one before a deleted one (which it joins off the
     * frames, as the operator decided), then the closest hash, then the earliest.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<PhotoEntity> find(PhotoEntity photo) {
        if (photo.phash == null || photo.width == null || photo.height == null) {
            return Optional.empty();
        }
        long hash = photo.phash;
        return photos.twinCandidates(photo, config.captureWindow(), MAX_CANDIDATES).stream()
                .filter(candidate -> distance(hash, candidate.phash) <= config.maxDistance())
                .min(Comparator.<PhotoEntity>comparingInt(candidate -> candidate.deletedAt != null ? 2
                                : candidate.retiredAt != null ? 1 : 0)
                        .thenComparingInt(candidate -> distance(hash, candidate.phash))
                        .thenComparing(candidate -> candidate.createdAt)
                        .thenComparing(candidate -> candidate.id));
    }

    static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }
}
