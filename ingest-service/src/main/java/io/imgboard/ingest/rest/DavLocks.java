package io.imgboard.ingest.rest;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * WebDAV write locks (class 2), in memory: a lock lives for minutes and a restart that forgets them
 * costs a client one retry, while a lock that outlived its holder would block it. Real tokens,
 * checked against the {@code If:} header by {@link DavResource}; expired locks are dropped when seen.
 */
@ApplicationScoped
class DavLocks {
    static final long MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
    static final long DEFAULT_TIMEOUT_SECONDS = 3600;

    record Lock(String token, String tree, String path, boolean deep, boolean exclusive, String ownerXml,
                long timeoutSeconds, Instant expires) {

        boolean covers(String tree, String target) {
            return this.tree.equals(tree) && (path.equals(target)
                    || deep && (path.isEmpty() || target.startsWith(path + "/")));
        }

        boolean within(String tree, String target) {
            return this.tree.equals(tree) && (path.equals(target) || target.isEmpty() || path.startsWith(target + "/"));
        }

        Lock refreshed(long seconds) {
            return new Lock(token, tree, path, deep, exclusive, ownerXml, seconds, Instant.now().plusSeconds(seconds));
        }
    }

    private final Map<String, Lock> locks = new ConcurrentHashMap<>();

    /** Locks on the path itself or on an ancestor with depth infinity. */
    List<Lock> covering(String tree, String path) {
        return live().stream().filter(l -> l.covers(tree, path)).toList();
    }

    /** Locks on the path or anything below it. */
    List<Lock> within(String tree, String path) {
        return live().stream().filter(l -> l.within(tree, path)).toList();
    }

    /** Locks on exactly this path (whatever their depth): creating or removing a member changes a collection. */
    List<Lock> on(String tree, String path) {
        return live().stream().filter(l -> l.tree().equals(tree) && l.path().equals(path)).toList();
    }

    Optional<Lock> byToken(String token) {
        Lock lock = locks.get(token);
        if (lock != null && lock.expires().isBefore(Instant.now())) {
            locks.remove(token);
            return Optional.empty();
        }
        return Optional.ofNullable(lock);
    }

    /** @return the new lock, or empty when an existing lock conflicts */
    synchronized Optional<Lock> lock(String tree, String path, boolean deep, boolean exclusive, String ownerXml,
                                     long timeoutSeconds) {
        List<Lock> conflicting = new ArrayList<>(covering(tree, path));
        if (deep) {
            conflicting.addAll(within(tree, path));
        }
        boolean conflict = conflicting.stream().anyMatch(l -> exclusive || l.exclusive());
        if (conflict) {
            return Optional.empty();
        }
        long seconds = Math.min(Math.max(timeoutSeconds, 1), MAX_TIMEOUT_SECONDS);
        Lock lock = new Lock("opaquelocktoken:" + UUID.randomUUID(), tree, path, deep, exclusive, ownerXml, seconds,
                Instant.now().plusSeconds(seconds));
        locks.put(lock.token(), lock);
        return Optional.of(lock);
    }

    Lock refresh(Lock lock, long timeoutSeconds) {
        Lock refreshed = lock.refreshed(Math.min(Math.max(timeoutSeconds, 1), MAX_TIMEOUT_SECONDS));
        locks.put(lock.token(), refreshed);
        return refreshed;
    }

    boolean unlock(String token) {
        return locks.remove(token) != null;
    }

    /** Drops the locks on a path and below it (the resource was deleted or moved away). */
    void release(String tree, String path) {
        locks.values().removeIf(l -> l.within(tree, path));
    }

    private List<Lock> live() {
        Instant now = Instant.now();
        locks.values().removeIf(l -> l.expires().isBefore(now));
        return List.copyOf(locks.values());
    }
}
