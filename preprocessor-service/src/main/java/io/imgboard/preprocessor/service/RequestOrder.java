package io.imgboard.preprocessor.service;

import io.imgboard.preprocessor.storage.StorageUnavailableException;
import io.quarkus.logging.Log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Which request for a photo is the newest one taken. The ledger asks for a photo again (a box change,
 * a reprocess, a request that went unanswered) on the photo's own partition, so on that partition a
 * later offset is a newer request, and the ledger keeps only the newest one's result. Requests are
 * worked on several at once, so an older one can finish after a newer one; its renditions, stored
 * under the same keys, would then replace the newer ones in the bucket, and the frames would show
 * renditions that are not the ones the ledger describes. So every rendition is stored through
 * {@link #store}: under the photo's lock, and not at all once a newer request for the photo was taken.
 *
 * <p>The newest place of the last {@value #REMEMBERED} photos is kept: far more than the requests
 * in hand. A photo forgotten (or a request not from Kafka: {@link Ticket#UNORDERED}) stores as it comes.
 */
public final class RequestOrder {
    static final int REMEMBERED = 50_000;
    private static final int STRIPES = 64;

    /** Where a request was taken from: its partition and offset. */
    public record Ticket(UUID photoId, int partition, long offset) {
        /** A request that came from no partition: never overtaken. */
        public static final Ticket UNORDERED = new Ticket(null, -1, -1);
    }

    /** {@link #take}, as the consumer sees it. */
    @FunctionalInterface
    public interface Taker {
        Ticket take(UUID photoId, int partition, long offset);
    }

    /** Stores one object; the storage's own failure passes through. */
    @FunctionalInterface
    public interface Store {
        void run() throws StorageUnavailableException;
    }

    private final Map<UUID, Ticket> newest = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Ticket> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final Object[] locks = new Object[STRIPES];

    RequestOrder() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Notes a request taken from {@code partition} at {@code offset}. On the partition the photo was
     * last seen on, the higher offset is the newer request; a photo seen on another partition (the
     * topic was given more) takes the later one taken as its newest.
     */
    public Ticket take(UUID photoId, int partition, long offset) {
        Ticket ticket = new Ticket(photoId, partition, offset);
        synchronized (newest) {
            Ticket known = newest.get(photoId);
            if (known == null || known.partition() != partition || known.offset() < offset) {
                newest.put(photoId, ticket);
            }
        }
        return ticket;
    }

    /** Whether a newer request for the ticket's photo was taken since. */
    public boolean overtaken(Ticket ticket) {
        if (ticket.photoId() == null) {
            return false;
        }
        synchronized (newest) {
            Ticket known = newest.get(ticket.photoId());
            return known != null && !known.equals(ticket);
        }
    }

    /**
     * Runs {@code store} unless a newer request for the photo was taken; false when it did not run.
     * Stores of one photo take turns, so a newer request's object is never written over by an older one's.
     */
    public boolean store(Ticket ticket, String key, Store store) throws StorageUnavailableException {
        if (ticket.photoId() == null) {
            store.run();
            return true;
        }
        synchronized (locks[Math.floorMod(ticket.photoId().hashCode(), STRIPES)]) {
            if (overtaken(ticket)) {
                Log.infof("%s not stored: a newer request for photo %s was taken (this one's result is stale)", key,
                        ticket.photoId());
                return false;
            }
            store.run();
            return true;
        }
    }
}
