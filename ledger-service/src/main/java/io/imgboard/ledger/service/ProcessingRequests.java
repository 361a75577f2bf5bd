package io.imgboard.ledger.service;

import io.imgboard.events.ProcessRequested;
import io.imgboard.events.RenditionSpec;
import io.imgboard.events.Topics;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.RenditionSpecRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Asks the preprocessor for a photo's renditions (outbox, same transaction). Each request has a new
 * id; only the answer to the latest one counts. The request carries the ledger's rendition set.
 */
@ApplicationScoped
public class ProcessingRequests {
    private final PhotoRepository photos;
    private final RenditionSpecRepository specs;
    private final Outbox outbox;
    private final ObjectDeletions deletions;

    ProcessingRequests(PhotoRepository photos, RenditionSpecRepository specs, Outbox outbox, ObjectDeletions deletions) {
        this.photos = photos;
        this.specs = specs;
        this.outbox = outbox;
        this.deletions = deletions;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public UUID request(PhotoEntity photo, ProcessRequested.Reason reason) {
        return request(photo, reason, UUID.randomUUID());
    }

    /** With a request id chosen by the caller (a new photo's is written with its row). */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID request(PhotoEntity photo, ProcessRequested.Reason reason, UUID requestId) {
        Instant now = Instant.now();
        // A better twin's original may be the one to render (same photo id, other bytes).
        PhotoEntity source = photo;
        if (photo.renderedSha256 != null && !photo.renderedSha256.equals(photo.sha256)) {
            source = photos.findBySha256(photo.renderedSha256).orElse(photo);
        }
        photo.lastRequestId = requestId;
        photo.requestedAt = now;
        photo.nextRetryAt = null;
        photo.updatedAt = now;
        List<RenditionSpec> set = specs.current();
        deletions.keepRenditions(photo.id, set.stream().map(RenditionSpec::name).toList());
        outbox.add(Topics.PROCESS_REQUESTS, photo.id.toString(), new ProcessRequested(requestId, now, photo.id,
                source.sha256, source.originalKey, source.contentType, set, reason));
        return requestId;
    }
}
