package io.imgboard.ledger.service;

import io.imgboard.events.Rendition;
import io.imgboard.ledger.config.LedgerConfig;
import io.imgboard.ledger.config.S3Config;
import io.imgboard.ledger.persistence.ObjectDeletionRepository;
import io.imgboard.ledger.persistence.OriginRepository;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.storage.ObjectStore;
import io.imgboard.ledger.storage.StorageException;
import io.imgboard.support.OutageLog;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * S3 objects to delete, queued in the transaction that decided it and deleted afterwards (at least
 * once; an S3 DELETE of a missing object succeeds). A failure is tried again after a growing pause.
 */
@ApplicationScoped
public class ObjectDeletions {
    private final ObjectDeletionRepository queue;
    private final ObjectStore store;
    private final S3Config s3;
    private final OriginRepository origins;
    private final PhotoRepository photos;
    private final LedgerConfig config;

    private final OutageLog outage = new OutageLog(ObjectDeletions.class, "deleting objects from S3");

    ObjectDeletions(ObjectDeletionRepository queue, ObjectStore store, S3Config s3, OriginRepository origins,
                    PhotoRepository photos, LedgerConfig config) {
        this.config = config;
        this.queue = queue;
        this.store = store;
        this.s3 = s3;
        this.origins = origins;
        this.photos = photos;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void rendition(String key) {
        queue.add(s3.renditionsBucket(), key, Instant.now());
    }

    /**
     * The photo is about to be rendered again, at the keys of these rendition names: a deletion of
     * them still waiting (its renditions dropped when it became a twin, then split off) would delete
     * the new renditions once written. Taken back here, in the transaction that asks for them.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void keepRenditions(UUID photoId, List<String> names) {
        int taken = queue.takeBack(s3.renditionsBucket(), names.stream().map(name -> Rendition.keyFor(photoId, name)).toList());
        if (taken > 0) {
            Log.infof("photo %s is rendered again: %d waiting deletion(s) of its renditions taken back", photoId, taken);
        }
    }

    /**
     * A WebDAV client's file holds these bytes again: their waiting deletion (its photo was deleted) is taken back, or
     * the client could not read its file. One already carried out is not undone: the bytes are gone.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void keepOriginal(String key) {
        if (queue.takeBack(s3.originalsBucket(), List.of(key)) > 0) {
            Log.infof("original %s is a WebDAV file again: its waiting deletion taken back", key);
        }
    }

    /**
     * The stored originals of a deleted photo and its twins go, unless a WebDAV client may still read a file of
     * them back. Asked when it is deleted, and again whenever its group changes after that: its last WebDAV file
     * removed or written over, its bytes stored again by an upload or a folder, a twin joining it. An upload's or a
     * folder's origin stays (it is how the same bytes are known again and kept deleted), but nobody reads those
     * bytes back. They go after {@code imgboard.ledger.original-deletion-delay}: a WebDAV file of the same bytes
     * arriving meanwhile takes them back ({@link #keepOriginal}).
     *
     * @return whether they go
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean originalsOfDeleted(PhotoEntity primary) {
        origins.flush();
        photos.flush();
        if (origins.countReadBackOfGroup(primary.id) > 0) {
            return false;
        }
        Instant now = Instant.now();
        Instant due = now.plus(config.originalDeletionDelay());
        queue.addOnce(s3.originalsBucket(), primary.originalKey, now, due);
        photos.twinsOf(primary.id).forEach(twin -> queue.addOnce(s3.originalsBucket(), twin.originalKey, now, due));
        return true;
    }

    @Scheduled(identity = "object-deletions", every = "${imgboard.ledger.deletion-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void work() {
        if (!store.configured()) {
            return;
        }
        outage.run(this::deleteDue);
    }

    private void deleteDue() {
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = Instant.now();
            List<ObjectDeletionRepository.Due> due = queue.lockDue(100, now);
            for (ObjectDeletionRepository.Due row : due) {
                try {
                    store.delete(row.bucket(), row.key());
                    queue.done(row.id(), Instant.now());
                    Log.debugf("deleted %s/%s", row.bucket(), row.key());
                } catch (StorageException e) {
                    Duration pause = Duration.ofSeconds(Math.min(600, 5L << Math.min(row.attempts(), 7)));
                    queue.failed(row.id(), EventChecks.cleanText(e.getMessage(), 1000), Instant.now().plus(pause));
                    Log.warnf("S3 deletion of %s/%s failed (attempt %d), again in %d s: %s", row.bucket(), row.key(),
                            row.attempts() + 1, pause.toSeconds(), e.getMessage());
                }
            }
        });
    }
}
