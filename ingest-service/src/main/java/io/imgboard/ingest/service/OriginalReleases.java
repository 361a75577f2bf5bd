package io.imgboard.ingest.service;

import io.imgboard.ingest.config.DavConfig;
import io.imgboard.ingest.persistence.DavIndex;
import io.imgboard.ingest.persistence.OriginalReleaseQueue;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.storage.StorageException;
import io.imgboard.support.OutageLog;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The stored bytes of WebDAV files that are not photos (a push app's videos, sidecars, held {@code .part} files):
 * kept while a file holds them, deleted from S3 once none does. A photo's bytes are the ledger's to delete (it
 * knows which photos still need them): bytes the ledger knows are left alone, and when it cannot be asked nothing
 * is deleted.
 */
@ApplicationScoped
public class OriginalReleases {
    private static final int BATCH = 500;

    private final OriginalReleaseQueue queue;
    private final DavIndex index;
    private final OriginalStore store;
    private final LedgerClient ledger;
    private final Duration after;
    private final OutageLog outage = new OutageLog(OriginalReleases.class, "deleting the stored bytes of deleted WebDAV files");

    OriginalReleases(OriginalReleaseQueue queue, DavIndex index, OriginalStore store, LedgerClient ledger, DavConfig dav) {
        this.queue = queue;
        this.index = index;
        this.store = store;
        this.ledger = ledger;
        this.after = dav.releaseAfter();
    }

    /** A WebDAV file that is not a photo no longer holds these bytes: looked at once {@code releaseAfter} passed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void release(String sha256) {
        if (sha256 != null) {
            queue.add(sha256, Instant.now().plus(after));
        }
    }

    @Scheduled(identity = "original-releases", every = "1m", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void work() {
        outage.run(() -> releaseDue(sha -> ledger.photo(sha).isPresent(), Instant.now()));
    }

    /**
     * Deletes the bytes due at {@code now} that no WebDAV file holds and the ledger has no photo of: shown, retired
     * (it may come back and be made again from them), deleted, or a twin's. Not the upload pre-check's answer, which
     * leaves retired photos out on purpose.
     *
     * @param ledgerHas whether the ledger has a photo of these bytes; throws when it cannot be asked
     * @return the SHA-256s deleted
     */
    public List<String> releaseDue(Predicate<String> ledgerHas, Instant now) {
        List<String> deleted = new ArrayList<>();
        store.forgetTouchedBefore(now.minus(after));
        List<String> due = queue.due(now, BATCH);
        while (!due.isEmpty()) {
            Set<String> held = index.held(due);
            List<String> free = due.stream().filter(sha -> !held.contains(sha)).toList();
            Set<String> theLedgers = new HashSet<>();
            try {
                for (String sha : free) {
                    if (ledgerHas.test(sha)) {
                        theLedgers.add(sha);
                    }
                }
            } catch (RuntimeException e) {
                queue.postpone(due, now.plus(Duration.ofMinutes(10)), "the ledger could not be asked: " + e.getMessage());
                Log.warnf("%d stored files wait: the ledger could not say which are photos (%s); again in 10 min",
                        due.size(), e.getMessage());
                return deleted;
            }
            List<String> failed = new ArrayList<>();
            List<String> busy = new ArrayList<>();
            for (String sha : free) {
                if (theLedgers.contains(sha)) {
                    continue;
                }
                try {
                    // looked at again under the store's guard: a PUT of these bytes may have recorded its file since
                    switch (store.deleteIfUnused(sha, now.minus(after), () -> index.held(List.of(sha)).isEmpty())) {
                        case DELETED -> deleted.add(sha);
                        case NOT_NOW -> busy.add(sha);
                        case IN_USE -> { }
                    }
                } catch (StorageException e) {
                    failed.add(sha);
                    Log.warnf("the stored bytes %s of a deleted WebDAV file could not be deleted, again in 10 min: %s",
                            sha, e.getMessage());
                }
            }
            queue.done(due.stream().filter(sha -> !failed.contains(sha) && !busy.contains(sha)).toList());
            queue.postpone(failed, now.plus(Duration.ofMinutes(10)), "S3 refused the deletion");
            queue.postpone(busy, now.plus(after), null);
            if (due.size() < BATCH || !failed.isEmpty() || !busy.isEmpty()) {
                break;
            }
            due = queue.due(now, BATCH);
        }
        if (!deleted.isEmpty()) {
            Log.infof("deleted the stored bytes of %d WebDAV file(s) that are gone and were not photos", deleted.size());
        }
        return deleted;
    }
}
