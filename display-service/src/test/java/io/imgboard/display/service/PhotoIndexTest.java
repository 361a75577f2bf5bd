package io.imgboard.display.service;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The playlist's open-addressing index, against {@link HashMap} as the reference. */
class PhotoIndexTest {

    @Test
    void findsReplacesAndLetsGoOfPhotosByTheirKey() {
        PhotoIndex<UUID> index = PhotoIndex.byId();
        UUID id = UUID.randomUUID();
        PhotoView first = view(id, "a");
        PhotoView second = view(id, "b");

        assertNull(index.put(first));
        assertSame(first, index.get(id));
        assertSame(first, index.put(second), "the same key: replaced, the old one returned");
        assertEquals(1, index.size());
        assertSame(second, index.get(id));
        assertSame(second, index.removeKey(id));
        assertNull(index.get(id));
        assertNull(index.removeKey(id));
        assertEquals(0, index.size());
        assertThrows(UnsupportedOperationException.class, () -> index.add(first), "read-only as a collection");
    }

    /**
     * Names whose {@code hashCode}s are all equal ("Aa" and "BB" hash alike, so do all their
     * concatenations) share one home slot: every lookup probes one long run, and every removal shifts it,
     * wrapping past the end of the table. Random puts and removals must leave what a HashMap holds.
     */
    @Test
    void keysThatAllCollideAgreeWithAHashMapThroughPutsRemovalsAndGrowth() {
        String[] names = new String[256];
        for (int i = 0; i < names.length; i++) {
            StringBuilder name = new StringBuilder();
            for (int bit = 0; bit < 8; bit++) {
                name.append((i >> bit & 1) == 0 ? "Aa" : "BB");
            }
            names[i] = name.toString();
        }
        assertEquals(1, java.util.Arrays.stream(names).mapToInt(String::hashCode).distinct().count());
        agreeWithHashMap(PhotoIndex.byFileName(), PhotoView::fileName,
                random -> view(UUID.randomUUID(), names[random.nextInt(names.length)]), 20_000);
    }

    @Test
    void randomIdsAgreeWithAHashMapThroughPutsRemovalsAndGrowth() {
        List<UUID> ids = java.util.stream.Stream.generate(UUID::randomUUID).limit(5_000).toList();
        agreeWithHashMap(PhotoIndex.byId(), PhotoView::photoId,
                random -> view(ids.get(random.nextInt(ids.size())), "n"), 50_000);
    }

    @Test
    void iteratesEveryPhotoOnceAndFailsFastWhenChangedUnderneath() {
        PhotoIndex<UUID> index = PhotoIndex.byId();
        for (int i = 0; i < 1_000; i++) {
            index.put(view(UUID.randomUUID(), "n"));
        }
        HashSet<PhotoView> seen = new HashSet<>();
        index.forEach(photo -> assertTrue(seen.add(photo), "twice: " + photo));
        assertEquals(1_000, seen.size());
        assertEquals(1_000, index.stream().count());

        Iterator<PhotoView> iterator = index.iterator();
        iterator.next();
        index.put(view(UUID.randomUUID(), "n"));
        assertThrows(ConcurrentModificationException.class, iterator::next);
    }

    private static <K> void agreeWithHashMap(PhotoIndex<K> index, java.util.function.Function<PhotoView, K> keyOf,
                                             java.util.function.Function<Random, PhotoView> photos, int steps) {
        Map<K, PhotoView> reference = new HashMap<>();
        Random random = new Random(42);
        for (int step = 0; step < steps; step++) {
            PhotoView photo = photos.apply(random);
            K key = keyOf.apply(photo);
            if (random.nextInt(3) == 0) {
                assertSame(reference.remove(key), index.removeKey(key), "remove " + key + " at step " + step);
            } else {
                assertSame(reference.put(key, photo), index.put(photo), "put " + key + " at step " + step);
            }
            assertEquals(reference.size(), index.size());
            if (step % 500 == 0) {
                for (Map.Entry<K, PhotoView> held : reference.entrySet()) {
                    assertSame(held.getValue(), index.get(held.getKey()), "get " + held.getKey() + " at step " + step);
                }
                assertEquals(new HashSet<>(reference.values()), new HashSet<>(index));
            }
        }
        reference.forEach((k, held) -> assertTrue(index.containsKey(k)));
    }

    private static PhotoView view(UUID id, String name) {
        PhotoView view = PhotoView.from(PlaylistTest.photo(id, Instant.parse("2024-01-01T00:00:00Z"), Instant.now()));
        return view.withFileName(name);
    }
}
