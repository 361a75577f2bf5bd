package io.imgboard.ingest.rest;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request at a time for work on one WebDAV resource that cannot be done in one database transaction: a held
 * file renamed into place (its bytes go through the intake, then the held entry goes) and a chunked upload
 * assembled. Clients retry a slow MOVE while the first is still at work; without a turn each did the work again
 * and all but one failed half-way or answered as if they had moved what was gone. Within this service (ingest
 * runs as one instance); a request that gets its turn after another finished finds the resource gone.
 * Keys share 256 locks by hash, so two unrelated resources seldom wait for each other, and briefly.
 */
final class PathTurns {
    private static final ReentrantLock[] STRIPES = new ReentrantLock[256];

    static {
        for (int i = 0; i < STRIPES.length; i++) {
            STRIPES[i] = new ReentrantLock();
        }
    }

    /** Work that reads and writes files. */
    interface Work<T> {
        T run() throws IOException;
    }

    private PathTurns() {
    }

    static <T> T inTurn(String key, Work<T> work) throws IOException {
        ReentrantLock lock = STRIPES[Math.floorMod(key.hashCode(), STRIPES.length)];
        lock.lock();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }
}
