package io.imgboard.ledger.service;

import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.Topics;
import io.imgboard.ledger.persistence.OriginEntity;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Files appearing at and vanishing from the places sources watch. The photo's identity is its
 * sha256: the first arrival of some content creates a photo and asks for its renditions; every
 * further arrival of the same content is only another origin (a duplicate).
 */
@ApplicationScoped
public class FileEvents {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final PhotoRepository photos;
    private final OriginRepository origins;
    private final Outbox outbox;
    private final LedgerMetrics metrics;

    FileEvents(PhotoRepository photos, OriginRepository origins, Outbox outbox, LedgerMetrics metrics) {
        this.photos = photos;
        this.origins = origins;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void handle(FileEvent event) {
        if (event instanceof FileArrived arrived) {
            arrived(arrived);
        } else if (event instanceof FileRemoved removed) {
            removed(removed);
        }
    }

    private void arrived(FileArrived event) {
        String sha256 = requireSha256(event.sha256());
        requireText(event.sourceId(), "sourceId");
        requireText(event.path(), "path");
        requireText(event.originalKey(), "originalKey");
        Instant now = Instant.now();
        Instant seenAt = event.occurredAt() != null ? event.occurredAt() : now;

        boolean created = false;
        Optional<PhotoEntity> known = photos.findBySha256(sha256);
        UUID requestId = UUID.randomUUID();
        if (known.isEmpty()) {
            created = photos.insertPendingIfAbsent(UUID.randomUUID(), sha256, event.originalKey(), event.contentType(),
                    event.size(), event.fileModifiedAt(), requestId, now);
        }
        PhotoEntity photo = known.orElseGet(() -> photos.findBySha256(sha256).orElseThrow());
        PhotoMdc.set(photo.id);

        String name = event.name() == null || event.name().isBlank() ? lastSegment(event.path()) : event.name();
        Optional<OriginEntity> existing = origins.findBySourceAndPath(event.sourceId(), event.path());
        if (existing.isEmpty()) {
            OriginEntity origin = new OriginEntity();
            origin.photoId = photo.id;
            origin.sourceId = event.sourceId();
            origin.path = event.path();
            origin.name = name;
            origin.firstSeenAt = seenAt;
            origin.lastSeenAt = seenAt;
            origins.persist(origin);
            if (!created) {
                metrics.duplicate();
                Log.infof("%s at %s:%s is a duplicate of photo %s", name, event.sourceId(), event.path(), photo.id);
            }
        } else if (existing.get().photoId.equals(photo.id)) {
            OriginEntity origin = existing.get();
            origin.name = name;
            if (seenAt.isAfter(origin.lastSeenAt)) {
                origin.lastSeenAt = seenAt;
            }
            Log.debugf("%s:%s seen again", event.sourceId(), event.path());
        } else {
            // The file at this path was replaced by other content: the place now belongs to the new photo.
            // The previous photo keeps its other origins; one left with none stays until retiring
            // orphaned photos is built (a later issue).
            OriginEntity origin = existing.get();
            UUID previous = origin.photoId;
            origin.photoId = photo.id;
            origin.name = name;
            origin.firstSeenAt = seenAt;
            origin.lastSeenAt = seenAt;
            if (!created) {
                metrics.duplicate();
            }
            Log.infof("%s:%s was replaced: photo %s -> %s", event.sourceId(), event.path(), previous, photo.id);
        }

        if (created) {
            metrics.photoCreated();
            // An empty rendition list asks for the preprocessor's configured default set.
            outbox.add(Topics.PROCESS_REQUESTS, photo.id.toString(), new ProcessRequested(requestId, now, photo.id,
                    sha256, photo.originalKey, photo.contentType, List.of(), ProcessRequested.Reason.NEW));
            Log.infof("new photo %s (%s) from %s:%s, processing requested", photo.id, name, event.sourceId(),
                    event.path());
        }
    }

    private void removed(FileRemoved event) {
        requireText(event.sourceId(), "sourceId");
        requireText(event.path(), "path");
        Optional<OriginEntity> origin = origins.findBySourceAndPath(event.sourceId(), event.path());
        if (origin.isEmpty()) {
            Log.debugf("%s:%s removed, but it was never recorded", event.sourceId(), event.path());
            return;
        }
        PhotoMdc.set(origin.get().photoId);
        origins.delete(origin.get());
        // The photo stays, even with no origins left: retiring such photos is a later issue.
        Log.infof("%s:%s removed; photo %s keeps its other origins", event.sourceId(), event.path(),
                origin.get().photoId);
    }

    private static String requireSha256(String sha256) {
        String normalized = sha256 == null ? "" : sha256.toLowerCase(java.util.Locale.ROOT);
        if (!SHA256.matcher(normalized).matches()) {
            throw new InvalidEventException("FileArrived with a malformed sha256: " + sha256);
        }
        return normalized;
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException("file event without " + field);
        }
    }

    private static String lastSegment(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
