package io.imgboard.ledger.service;

import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.ProcessingResult;
import io.imgboard.events.Rendition;
import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.ledger.persistence.OriginEntity;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.persistence.PhotoStatus;
import io.imgboard.ledger.persistence.SourceCountRepository;
import io.imgboard.ledger.persistence.StoredRendition;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static io.imgboard.ledger.service.EventChecks.MAX_PATH;

/**
 * What the preprocessor made of a photo. Renditions: READY and published (or, the first time, merged
 * into an existing photo as its twin). A permanent failure: FAILED at once. A temporary failure: asked
 * again after a pause that grows, until it works or has failed for longer than the configured age.
 */
@ApplicationScoped
public class ProcessingResults {
    private static final Pattern PHASH = Pattern.compile("[0-9a-f]{16}");
    static final int MAX_REASON = 2000;

    private final PhotoRepository photos;
    private final OriginRepository origins;
    private final SourceCountRepository counts;
    private final ProcessingRequests requests;
    private final Catalog catalog;
    private final Twins twins;
    private final ReprocessJobs jobs;
    private final ObjectDeletions deletions;
    private final LedgerMetrics metrics;
    private final LedgerConfig.Processing config;
    private final Retirements retirements;

    ProcessingResults(PhotoRepository photos, OriginRepository origins, SourceCountRepository counts,
                      ProcessingRequests requests, Catalog catalog, Twins twins, ReprocessJobs jobs,
                      ObjectDeletions deletions, LedgerMetrics metrics, LedgerConfig config, Retirements retirements) {
        this.retirements = retirements;
        this.photos = photos;
        this.origins = origins;
        this.counts = counts;
        this.requests = requests;
        this.catalog = catalog;
        this.twins = twins;
        this.jobs = jobs;
        this.deletions = deletions;
        this.metrics = metrics;
        this.config = config.processing();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void handle(ProcessingResult result) {
        String what = result.getClass().getSimpleName();
        if (result.photoId() == null) {
            throw new InvalidEventException(what + " without photoId");
        }
        if (result.requestId() == null) {
            // Every result answers a ProcessRequested; without its id, stale and current cannot be told apart.
            throw new InvalidEventException(what + " for photo " + result.photoId() + " without requestId");
        }
        if (result instanceof PhotoProcessed processed) {
            check(processed);
        }
        PhotoMdc.set(result.photoId());
        // Held until the transaction ends: an operator's hide or delete committing meanwhile would otherwise be
        // decided on (and written over) from the state read before it.
        PhotoEntity photo = photos.findLocked(result.photoId());
        if (photo == null) {
            Log.warnf("%s for unknown photo %s ignored", what, result.photoId());
            return;
        }
        if (photo.deletedAt != null && result instanceof PhotoProcessed processed) {
            // Stored after the delete let the photo's renditions go (it was being made, or a stale request's):
            // nobody shows them, and a deleted photo keeps nothing in the renditions bucket.
            processed.renditions().forEach(r -> deletions.rendition(r.key()));
        }
        // A result answers one request; once a newer request is out, an older answer is stale.
        if (photo.lastRequestId != null && !result.requestId().equals(photo.lastRequestId)) {
            Log.warnf("%s for photo %s answers request %s, but %s is the current one: ignored", what, photo.id,
                    result.requestId(), photo.lastRequestId);
            return;
        }
        boolean early = result instanceof PhotoProcessed processed && processed.pending() != null
                && !processed.pending().isEmpty();
        if (photo.deletedAt != null || photo.status == PhotoStatus.TWIN) {
            if (!early) {
                photo.requestedAt = null;
            }
            if (photo.status == PhotoStatus.TWIN && result instanceof PhotoProcessed processed) {
                // The rest of a photo that became a twin on its early result: stored after the twin let
                // its renditions go, nobody shows them.
                processed.renditions().forEach(r -> deletions.rendition(r.key()));
            }
            Log.infof("%s for photo %s ignored: the photo is %s", what, photo.id,
                    photo.deletedAt != null ? "deleted" : "a twin of " + photo.twinOf);
            if (!early) {
                // A reprocess job asked for it before it became a twin (or was deleted): its item ends here.
                jobs.left(photo.id, photo.deletedAt != null ? ReprocessJobs.DELETED : ReprocessJobs.twinReason(photo));
            }
            return;
        }
        boolean alreadyAnswered = photo.requestedAt == null && photo.status == PhotoStatus.READY;
        if (early) {
            if (alreadyAnswered) {
                Log.infof("photo %s is ready; an early result for request %s, after the complete one, ignored", photo.id,
                        result.requestId());
                return;
            }
            // Still asked: the complete result is to come (and the requeue asks again if it never does).
            processed(photo, (PhotoProcessed) result, true);
            return;
        }
        photo.requestedAt = null;
        if (result instanceof PhotoProcessed processed) {
            processed(photo, processed, false);
        } else if (result instanceof ProcessingFailed failed) {
            if (alreadyAnswered) {
                // Renditions exist and frames show them: a late failure report (a retry of the same request
                // that gave up after another attempt had succeeded) must not turn a working photo into a failed one.
                Log.infof("photo %s is ready; a later ProcessingFailed for request %s ignored: %s", photo.id,
                        failed.requestId(), EventChecks.cleanText(failed.reason(), 300));
                return;
            }
            failed(photo, failed);
        }
    }

    /** Boundary checks: nothing malformed reaches the database or the catalog. */
    private static void check(PhotoProcessed event) {
        String what = "PhotoProcessed for photo " + event.photoId();
        EventChecks.noNulls(event.renditions(), "renditions", what);
        if (event.renditions().isEmpty()) {
            throw new InvalidEventException(what + " without renditions");
        }
        for (Rendition r : event.renditions()) {
            EventChecks.text(r.name(), "rendition name", 64, what);
            EventChecks.text(r.key(), "rendition key", MAX_PATH, what);
            if (r.width() <= 0 || r.height() <= 0 || r.bytes() < 0) {
                throw new InvalidEventException(what + " with rendition " + r.name() + " of " + r.width() + "x"
                        + r.height() + ", " + r.bytes() + " bytes");
            }
        }
        if (event.width() <= 0 || event.height() <= 0) {
            throw new InvalidEventException(what + " with dimensions " + event.width() + "x" + event.height());
        }
        EventChecks.optionalText(event.format(), "format", 64, what);
        EventChecks.optionalText(event.placeholder(), "placeholder", 64 * 1024, what);
        if (event.capture() != null) {
            EventChecks.optionalText(event.capture().localTime(), "capture.localTime", 64, what);
            EventChecks.optionalText(event.capture().offset(), "capture.offset", 16, what);
            EventChecks.optionalText(event.capture().cameraMake(), "capture.cameraMake", 256, what);
            EventChecks.optionalText(event.capture().cameraModel(), "capture.cameraModel", 256, what);
        }
    }

    /**
     * {@code early}: the frames' rendition ahead of the others (the result's {@code pending} names them);
     * the photo is published with it, keeps the renditions it has, and counts as answered only when
     * the complete result comes.
     */
    private void processed(PhotoEntity photo, PhotoProcessed event, boolean early) {
        Instant now = Instant.now();
        boolean wasVisible = photo.visible();
        boolean firstTime = photo.renditions == null || photo.renditions.isEmpty();
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
        String hash = event.perceptualHash() == null ? null : event.perceptualHash().toLowerCase(java.util.Locale.ROOT);
        if (hash != null && !PHASH.matcher(hash).matches()) {
            Log.warnf("photo %s: perceptual hash %s is not 16 hex digits; kept without one", photo.id,
                    EventChecks.cleanText(hash, 40));
            hash = null;
        }
        photo.perceptualHash = hash;
        photo.phash = hash == null ? null : Long.parseUnsignedLong(hash, 16);
        photo.placeholder = event.placeholder();
        List<StoredRendition> renditions = new ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Rendition r : event.renditions()) {
            renditions.add(new StoredRendition(r.name(), r.key(), r.width(), r.height(), r.bytes()));
            keys.add(r.key());
        }
        if (early) {
            java.util.Set<String> names = new java.util.HashSet<>();
            renditions.forEach(r -> names.add(r.name()));
            if (photo.renditions != null) {
                photo.renditions.stream().filter(r -> !names.contains(r.name())).forEach(renditions::add);
            }
        } else if (photo.renditions != null) {
            // A rendition the set no longer has (a changed rendition set) is deleted once its successor exists.
            photo.renditions.stream().map(StoredRendition::key).filter(key -> !keys.contains(key))
                    .forEach(deletions::rendition);
        }
        photo.renditions = renditions;
        clearFailure(photo);
        photo.updatedAt = now;
        if (!early) {
            jobs.resultFor(photo.id, true, null);
        }

        if (firstTime && !photo.neverTwin && photo.twinOf == null && photos.twinsOf(photo.id).isEmpty()) {
            Optional<PhotoEntity> twin = twins.find(photo);
            if (twin.isPresent()) {
                joinTwin(photo, twin.get());
                retirements.settleReplaced(photo);
                return;
            }
        }
        catalog.update(photo, wasVisible);
        retirements.settleReplaced(photo);
        Log.infof("photo %s ready: %dx%d %s, %d renditions%s, published", photo.id, event.width(), event.height(),
                event.format(), renditions.size(), early ? " (early: " + event.pending() + " to come)" : "");
    }

    /**
     * The content is the same shot as {@code primary}: it becomes a twin origin of that photo and is
     * never shown on its own. When it is the better original (more pixels; a tie keeps the earlier),
     * the photo is rendered again from it, under the same id. A retired photo comes back with it, as
     * when its own bytes arrive again: left retired, its return would show the shot twice.
     */
    private void joinTwin(PhotoEntity twin, PhotoEntity primary) {
        photos.lockedForUpdate(primary); // its shown or not is decided below, as an operator's command may be deciding it
        twin.status = PhotoStatus.TWIN;
        twin.twinOf = primary.id;
        List<OriginEntity> theirs = origins.ofPhotos(List.of(twin.id));
        String source = theirs.isEmpty() ? "unknown" : theirs.get(0).sourceId;
        counts.add(source, "twin", 1);
        // Its own renditions were made before the match was known; frames never saw them.
        twin.renditions.forEach(r -> deletions.rendition(r.key()));
        twin.renditions = new ArrayList<>();
        metrics.twin();
        boolean better = twin.pixels() > primary.pixels();
        Log.infof("photo %s (%s) is a twin of photo %s%s", twin.id, twin.sha256, primary.id,
                better ? "; its original is better and is rendered from now on" : "");
        if (primary.deletedAt != null) {
            // The operator deleted the shot: this content stays part of it, off the frames, not made again, and its
            // stored bytes go as the photo's did.
            deletions.originalsOfDeleted(primary);
            Log.infof("photo %s is deleted: its twin %s stays off the frames with it", primary.id, twin.id);
            return;
        }
        boolean wasVisible = primary.visible();
        boolean stale = primary.retiredAt != null
                && retirements.bringBack(primary, "its twin " + twin.id + " (" + twin.sha256 + ") arrived");
        if (better) {
            primary.renderedSha256 = twin.sha256;
        }
        if (better || stale) {
            requests.request(primary, ProcessRequested.Reason.REPROCESS);
        }
        catalog.update(primary, wasVisible); // new sources and devices, or back on the frames
    }

    private void failed(PhotoEntity photo, ProcessingFailed event) {
        Instant now = Instant.now();
        String reason = event.reason() == null || event.reason().isBlank() ? "no reason given"
                : EventChecks.cleanText(event.reason(), MAX_REASON);
        if (!event.permanent()) {
            if (photo.firstFailedAt == null) {
                photo.firstFailedAt = now;
            }
            Duration failingFor = Duration.between(photo.firstFailedAt, now);
            if (failingFor.compareTo(config.maxRetryAge()) < 0) {
                photo.retryCount++;
                photo.nextRetryAt = now.plus(backoff(photo.retryCount));
                photo.failureReason = reason;
                photo.failurePermanent = false;
                photo.updatedAt = now;
                metrics.failure(false);
                Log.warnf("photo %s: temporary failure %d (%s); asking again at %s", photo.id, photo.retryCount,
                        reason, photo.nextRetryAt);
                return;
            }
            reason = "still failing after " + humanDuration(failingFor) + " of retries: " + reason;
        }
        photo.nextRetryAt = null;
        photo.firstFailedAt = null;
        photo.retryCount = 0;
        jobs.resultFor(photo.id, false, reason);
        if (photo.status == PhotoStatus.READY) {
            // Renditions exist and frames show them: a failed re-render keeps the previous ones.
            photo.failureReason = reason;
            photo.failurePermanent = event.permanent();
            photo.failedAt = now;
            photo.updatedAt = now;
            Log.warnf("photo %s could not be rendered again; it keeps its previous renditions: %s", photo.id, reason);
            return;
        }
        retirements.settleReplaced(photo);
        photo.status = PhotoStatus.FAILED;
        photo.failureReason = reason;
        photo.failurePermanent = event.permanent();
        photo.failedAt = event.occurredAt() != null ? event.occurredAt() : now;
        photo.updatedAt = now;
        metrics.failure(event.permanent());
        Log.warnf("photo %s (%s) failed %s: %s", photo.id, photo.sha256,
                event.permanent() ? "permanently" : "(retries exhausted)", photo.failureReason);
    }

    static void clearFailure(PhotoEntity photo) {
        photo.failureReason = null;
        photo.failurePermanent = null;
        photo.failedAt = null;
        photo.nextRetryAt = null;
        photo.firstFailedAt = null;
        photo.retryCount = 0;
    }

    /** The pause after the n-th temporary failure: the first, doubled each time, up to the maximum. */
    Duration backoff(int failures) {
        Duration pause = config.retryInitialBackoff();
        for (int i = 1; i < failures && pause.compareTo(config.retryMaxBackoff()) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(config.retryMaxBackoff()) > 0 ? config.retryMaxBackoff() : pause;
    }

    private static String humanDuration(Duration d) {
        if (d.toHours() >= 1) {
            return d.toHours() + " h";
        }
        if (d.toMinutes() >= 1) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }
}
