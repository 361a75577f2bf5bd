package io.imgboard.display.service;

import java.util.AbstractCollection;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Photos by one of their keys (the id, the img-board file name), held in one array: a hash table with
 * open addressing and linear probing whose slots are the photos themselves. The playlist keeps two
 * for the whole library; a {@link java.util.HashMap} would add an entry object and a slot per photo
 * and index (about 40 bytes), this adds 1.5 to 3 slots of 4 bytes (at most two thirds are filled;
 * 8.4 bytes at a million photos, {@code ./imgboard bench library}).
 *
 * <p>Not thread-safe: the playlist uses it under its lock. As a collection it is read-only (iteration
 * in no particular order, failing fast when the index changes under it).
 */
final class PhotoIndex<K> extends AbstractCollection<PhotoView> {
    /** Grown (doubled) past two thirds full: linear probing stays short below that. */
    private static final int MAX_FILL_NUMERATOR = 2;
    private static final int MAX_FILL_DENOMINATOR = 3;

    private final Function<PhotoView, K> keyOf;
    private final ToIntFunction<PhotoView> hashOf;
    private final BiPredicate<PhotoView, K> has;
    private PhotoView[] slots = new PhotoView[16];
    private int size;
    private int changes;

    /**
     * @param keyOf  the photo's key: never null, and fixed for the photo's life
     * @param hashOf its key's {@code hashCode}, read from the photo (lookups and growth make no key)
     * @param has    whether the photo's key equals a key
     */
    private PhotoIndex(Function<PhotoView, K> keyOf, ToIntFunction<PhotoView> hashOf, BiPredicate<PhotoView, K> has) {
        this.keyOf = keyOf;
        this.hashOf = hashOf;
        this.has = has;
    }

    static PhotoIndex<UUID> byId() {
        return new PhotoIndex<>(PhotoView::photoId, PhotoView::idHash, PhotoView::hasId);
    }

    static PhotoIndex<String> byFileName() {
        return new PhotoIndex<>(PhotoView::fileName, photo -> photo.fileName().hashCode(),
                (photo, name) -> photo.fileName().equals(name));
    }

    /** The photo with this key, or null. */
    PhotoView get(K key) {
        int at = find(key);
        return at < 0 ? null : slots[at];
    }

    boolean containsKey(K key) {
        return find(key) >= 0;
    }

    /** Holds {@code photo} under its key, in place of the photo held there before (returned, else null). */
    PhotoView put(PhotoView photo) {
        K key = Objects.requireNonNull(keyOf.apply(photo));
        int mask = slots.length - 1;
        for (int at = home(hashOf.applyAsInt(photo), mask); ; at = (at + 1) & mask) {
            PhotoView held = slots[at];
            if (held == null) {
                slots[at] = photo;
                size++;
                changes++;
                if (size * MAX_FILL_DENOMINATOR > slots.length * MAX_FILL_NUMERATOR) {
                    grow();
                }
                return null;
            }
            if (has.test(held, key)) {
                slots[at] = photo;
                changes++;
                return held;
            }
        }
    }

    /** Lets go of the photo with this key; returns it, or null when none was held. */
    PhotoView removeKey(K key) {
        int gap = find(key);
        if (gap < 0) {
            return null;
        }
        PhotoView removed = slots[gap];
        int mask = slots.length - 1;
        slots[gap] = null;
        // Backward shift: move up each later photo of the run that may not sit past the gap, so every
        // photo stays reachable from its home slot without tombstones.
        for (int at = (gap + 1) & mask; slots[at] != null; at = (at + 1) & mask) {
            int home = home(hashOf.applyAsInt(slots[at]), mask);
            boolean homeInGapToAt = gap <= at ? gap < home && home <= at : gap < home || home <= at;
            if (!homeInGapToAt) {
                slots[gap] = slots[at];
                slots[at] = null;
                gap = at;
            }
        }
        size--;
        changes++;
        return removed;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Iterator<PhotoView> iterator() {
        return new Iterator<>() {
            private final PhotoView[] seen = slots;
            private final int expected = changes;
            private int next = advance(0);

            private int advance(int from) {
                int at = from;
                while (at < seen.length && seen[at] == null) {
                    at++;
                }
                return at;
            }

            @Override
            public boolean hasNext() {
                return next < seen.length;
            }

            @Override
            public PhotoView next() {
                if (changes != expected) {
                    throw new ConcurrentModificationException();
                }
                if (next >= seen.length) {
                    throw new NoSuchElementException();
                }
                PhotoView photo = seen[next];
                next = advance(next + 1);
                return photo;
            }
        };
    }

    private int find(K key) {
        int mask = slots.length - 1;
        for (int at = home(key.hashCode(), mask); ; at = (at + 1) & mask) {
            PhotoView held = slots[at];
            if (held == null) {
                return -1;
            }
            if (has.test(held, key)) {
                return at;
            }
        }
    }

    /**
     * The slot a key's hash leads to: Fibonacci hashing (the hash times 2^32/φ, its top bits) spreads
     * {@code hashCode}s that differ only in their low bits; a table of 2^b slots has a mask of
     * 32 - b leading zeros.
     */
    private static int home(int hash, int mask) {
        return hash * 0x9E3779B9 >>> Integer.numberOfLeadingZeros(mask);
    }

    private void grow() {
        PhotoView[] old = slots;
        slots = new PhotoView[old.length * 2];
        int mask = slots.length - 1;
        for (PhotoView photo : old) {
            if (photo != null) {
                int at = home(hashOf.applyAsInt(photo), mask);
                while (slots[at] != null) {
                    at = (at + 1) & mask;
                }
                slots[at] = photo;
            }
        }
    }
}
