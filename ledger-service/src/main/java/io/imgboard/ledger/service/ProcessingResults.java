package io.imgboard.ledger.service;

import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.ProcessingResult;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.PhotoStatus;
import io.imgboard.ledger.persistence.StoredRendition;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the preprocessor made of a photo: renditions (READY, published to the catalog) or a failure. */
@ApplicationScoped
public class ProcessingResults {
    private final PhotoRepository photos;
    private final Outbox outbox;
    private final LedgerMetrics metrics;

    ProcessingResults(PhotoRepository photos, Outbox outbox, LedgerMetrics metrics) {
        this.photos = photos;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void handle(ProcessingResult result) {
        if (result.photoId() == null) {
            throw new InvalidEventException(result.getClass().getSimpleName() + " without photoId");
        }
        if (result.requestId() == null) {
            // Every result answers a ProcessRequested; without its id, stale and current cannot be told apart.
            throw new InvalidEventException(result.getClass().getSimpleName() + " for photo " + result.photoId()
                    + " without requestId");
        }
        PhotoMdc.set(result.photoId());
        PhotoEntity photo = photos.findById(result.photoId());
        if (photo == null) {
            Log.warnf("%s for unknown photo %s ignored", result.getClass().getSimpleName(), result.photoId());
            return;
        }
        // A result answers one request; once a newer request is out, an older answer is stale.
        if (photo.lastRequestId != null && !result.requestId().equals(photo.lastRequestId)) {
            Log.warnf("%s for photo %s answers request %s, but %s is the current one: ignored",
                    result.getClass().getSimpleName(), photo.id, result.requestId(), photo.lastRequestId);
            return;
        }
        if (result instanceof PhotoProcessed processed) {
            processed(photo, processed);
        } else if (result instanceof ProcessingFailed failed) {
            failed(photo, failed);
        }
    }

    private void processed(PhotoEntity photo, PhotoProcessed event) {
        if (event.renditions() == null || event.renditions().isEmpty()) {
            throw new InvalidEventException("PhotoProcessed for photo " + photo.id + " without renditions");
        }
        Instant now = Instant.now();
        photo.status = PhotoStatus.READY;
        photo.width = event.width();
        photo.height = event.height();
        photo.format = event.format();
        PhotoProcessed.Capture capture = event.capture();
        photo.capturedAt = capture == null ? null : capture.capturedAt();
        photo.capturedLocalTime = capture == null ? null : capture.localTime();
        photo.capturedOffset = capture == null ? null : capture.offset();
        photo.cameraMake = capture == null ? null : capture.cameraMake();
        photo.cameraModel = capture == null ? null : capture.cameraModel();
        photo.perceptualHash = event.perceptualHash();
        photo.placeholder = event.placeholder();
        List<StoredRendition> renditions = new ArrayList<>();
        for (Rendition r : event.renditions()) {
            renditions.add(new StoredRendition(r.name(), r.key(), r.width(), r.height(), r.bytes()));
        }
        photo.renditions = renditions;
        photo.failureReason = null;
        photo.failurePermanent = null;
        photo.failedAt = null;
        photo.updatedAt = now;

        // Frames order and label by capture time; without EXIF the file's own time is the best guess.
        Instant shownCapturedAt = photo.capturedAt != null ? photo.capturedAt : photo.fileModifiedAt;
        outbox.add(Topics.CATALOG, photo.id.toString(), new PhotoPublished(java.util.UUID.randomUUID(), now, photo.id,
                photo.sha256, List.copyOf(event.renditions()), event.width(), event.height(), shownCapturedAt,
                event.placeholder()));
        Log.infof("photo %s ready: %dx%d %s, %d renditions, published", photo.id, event.width(), event.height(),
                event.format(), renditions.size());
    }

    private void failed(PhotoEntity photo, ProcessingFailed event) {
        if (photo.status == PhotoStatus.READY) {
            // Renditions exist and frames show them: a late failure report (say, a retry of the same request
            // that gave up after another attempt had succeeded) must not turn a working photo into a failed one.
            Log.infof("photo %s is ready; a later ProcessingFailed for request %s ignored: %s", photo.id,
                    event.requestId(), event.reason());
            return;
        }
        Instant now = Instant.now();
        photo.status = PhotoStatus.FAILED;
        photo.failureReason = event.reason() == null || event.reason().isBlank() ? "no reason given" : event.reason();
        photo.failurePermanent = event.permanent();
        photo.failedAt = event.occurredAt() != null ? event.occurredAt() : now;
        photo.updatedAt = now;
        metrics.failure(event.permanent());
        Log.warnf("photo %s (%s) failed %s: %s", photo.id, photo.sha256,
                event.permanent() ? "permanently" : "(retryable)", photo.failureReason);
    }
}
