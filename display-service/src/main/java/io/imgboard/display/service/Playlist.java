package io.imgboard.display.service;

import io.imgboard.events.PhotoPublished;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The photos frames show, rebuilt in memory from the compacted catalog topic at every start.
 *
 * <p>Changes go to the listeners ({@link #onChange}) under the lock that applies them; whoever
 * {@link #read}s the photos under the same lock and then listens sees every change after that state
 * exactly once, with nothing lost in between (the frame streams do so).
 */
@ApplicationScoped
public class Playlist implements MeterBinder {
    /** Changes and removals kept (each) for frames that resume; a frame from before them gets a fresh start. */
    static final int CHANGES_KEPT = 10_000;
    /**
     * Kafka drops a compacted topic's tombstones after {@code delete.retention.ms} (a day by default):
     * a display reading the catalog afresh cannot tell what was removed before then, so it does not
     * resume frames from records older than this when it read them.
     */
    static final Duration RESUMABLE_AGE = Duration.ofHours(20);
    /** More missed changes than this, and a fresh start is cheaper for frame and display alike. */
    static final int MAX_MISSED = 500;
    private static final long NONE = Long.MIN_VALUE;

    /** Every photo held (read-only as a collection: what {@link #read} and a fresh follower's start see). */
    private final PhotoIndex<UUID> byId = PhotoIndex.byId();
    /**
     * The last {@link #CHANGES_KEPT} changes frames were sent (a photo joined or changed), oldest first:
     * what a resuming frame missed is read from here, in the time of what it missed rather than of the
     * library (a reconnect storm after a restart asks once per frame, under the lock that applies changes).
     */
    private final java.util.ArrayDeque<Change> history = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<PlaylistEvent.Removed> removals = new java.util.ArrayDeque<>();
    private final long startedAt = System.currentTimeMillis();
    /** Resuming after an offset below this could miss a removal. */
    private long horizon = -1;
    private final PhotoIndex<String> byFileName = PhotoIndex.byFileName();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private final List<Consumer<PlaylistEvent>> listeners = new CopyOnWriteArrayList<>();
    private long seq = -1;
    private volatile int size;

    /** A change frames were sent: the photo joined the playlist (an {@code add}) or changed (an {@code update}). */
    private record Change(long seq, UUID photoId, boolean joined) {
    }

    /**
     * Adds or replaces a photo.
     *
     * @return the change, or empty when the record changes nothing a frame sees (a redelivery)
     * @throws InvalidCatalogRecordException when no frame could show the photo
     */
    public synchronized Optional<PlaylistEvent> publish(PhotoPublished published) {
        return publish(published, seq + 1);
    }

    /** {@link #publish(PhotoPublished)} for the catalog record at {@code offset}. */
    public synchronized Optional<PlaylistEvent> publish(PhotoPublished published, long offset) {
        PhotoView view = PhotoView.from(published);
        seq = Math.max(seq, offset);
        PhotoView previous = byId.get(view.photoId());
        if (previous != null) {
            // A name is the photo's for life, and so is its first publication time: the ledger publishes
            // a photo again when it gains an origin (a duplicate upload, a twin), which changes nothing a
            // frame shows and must neither send a second add nor move an undated photo in the order.
            view = view.withFileName(previous.fileName()).withPublishedAt(previous.publishedAt());
        } else if (byFileName.containsKey(view.fileName())) {
            view = view.withFileName(CompatNames.full(published.name(), view.photoId()));
        }
        byId.put(view);
        byFileName.put(view);
        if (view.equals(previous)) {
            return Optional.empty(); // kept, but nothing a frame shows or filters on changed
        }
        // Only its origins changed: frames filtered by source or device may gain or lose it (FrameStreams.kind).
        history.addLast(new Change(seq, view.photoId(), previous == null));
        if (history.size() > CHANGES_KEPT) {
            horizon = Math.max(horizon, history.removeFirst().seq());
        }
        // A photo frames already have changed: they replace it in place rather than show it as new.
        return Optional.of(emit(previous == null ? new PlaylistEvent.Added(seq, view) : new PlaylistEvent.Updated(seq, view, previous)));
    }

    /** Removes a photo; empty when it was not there (tombstones are idempotent too). */
    public synchronized Optional<PlaylistEvent> retire(UUID photoId) {
        return retire(photoId, seq + 1);
    }

    /**
     * {@link #retire(UUID)} for the tombstone at {@code offset}. A tombstone for a photo this instance
     * never saw (its record compacted away) is still kept for resuming frames, which may have it.
     */
    public synchronized Optional<PlaylistEvent> retire(UUID photoId, long offset) {
        seq = Math.max(seq, offset);
        PhotoView previous = byId.removeKey(photoId);
        PlaylistEvent.Removed removed = new PlaylistEvent.Removed(seq, photoId, previous);
        removals.addLast(removed);
        if (removals.size() > CHANGES_KEPT) {
            horizon = Math.max(horizon, removals.removeFirst().seq());
        }
        if (previous == null) {
            return Optional.empty();
        }
        byFileName.removeKey(previous.fileName());
        return Optional.of(emit(removed));
    }

    /**
     * Every catalog record read, applied or not, with its Kafka timestamp: moves the position ids
     * name, and keeps frames from resuming past records too old to trust (see {@link #RESUMABLE_AGE}).
     */
    public synchronized void read(long offset, long timestampMillis) {
        seq = Math.max(seq, offset);
        if (timestampMillis >= 0 && timestampMillis < startedAt - RESUMABLE_AGE.toMillis()) {
            horizon = Math.max(horizon, offset);
        }
    }

    /** The catalog offset of the last record read: what a fresh stream's first event is numbered. */
    public synchronized long seq() {
        return seq;
    }

    /**
     * Runs {@code work} over every photo (in no particular order) under the lock that applies
     * changes, so it sees one consistent state; it must not keep the collection nor block.
     */
    public synchronized <T> T read(java.util.function.Function<java.util.Collection<PhotoView>, T> work) {
        return work.apply(byId);
    }

    /**
     * The changes after {@code offset}, in order: every photo changed since (as it is now) and every
     * removal since; empty when this instance cannot tell (the offset is ahead of what it read, or
     * older than what it keeps) or when more than {@link #MAX_MISSED} changed. Each photo comes
     * once, as its latest state: {@code Added} when it joined after {@code offset}, else {@code Updated}
     * (the frame had it), so a frame that applies them in order ends where a fresh frame would be. A photo
     * retired and published again since comes as its removal, then {@code Added}.
     */
    public synchronized Optional<List<PlaylistEvent>> since(long offset) {
        if (offset < horizon || offset > seq || offset < -1) {
            return Optional.empty();
        }
        // Photo → {its last change after offset, its last join after offset or NONE}, newest first.
        Map<UUID, long[]> changed = new HashMap<>();
        for (java.util.Iterator<Change> newest = history.descendingIterator(); newest.hasNext(); ) {
            Change change = newest.next();
            if (change.seq() <= offset) {
                break;
            }
            long[] at = changed.computeIfAbsent(change.photoId(), id -> new long[]{change.seq(), NONE});
            if (change.joined() && at[1] == NONE) {
                at[1] = change.seq();
            }
            if (changed.size() > MAX_MISSED) {
                return Optional.empty();
            }
        }
        List<PlaylistEvent> missed = new java.util.ArrayList<>();
        changed.forEach((id, at) -> {
            PhotoView now = byId.get(id);
            if (now != null) { // else retired since: its removal below
                missed.add(at[1] != NONE ? new PlaylistEvent.Added(at[0], now) : new PlaylistEvent.Updated(at[0], now, null));
            }
        });
        for (java.util.Iterator<PlaylistEvent.Removed> newest = removals.descendingIterator(); newest.hasNext(); ) {
            PlaylistEvent.Removed removed = newest.next();
            if (removed.seq() <= offset) {
                break;
            }
            long[] at = changed.get(removed.photoId());
            // Gone now, or back since under the same id: the frame may hold it as it was before.
            if (!byId.containsKey(removed.photoId()) || at != null && at[1] > removed.seq()) {
                missed.add(removed);
            }
        }
        if (missed.size() > MAX_MISSED) {
            return Optional.empty();
        }
        missed.sort(Comparator.comparingLong(PlaylistEvent::seq));
        return Optional.of(missed);
    }

    /** The photo with this id, if the playlist holds it. */
    public synchronized Optional<PhotoView> photo(UUID photoId) {
        return Optional.ofNullable(byId.get(photoId));
    }

    /** The photo img-board's {@code /images/<fileName>} names (exact, case-sensitive), if it is shown. */
    public synchronized Optional<PhotoView> byFileName(String fileName) {
        return Optional.ofNullable(byFileName.get(fileName));
    }

    public int size() {
        return size;
    }

    /** Completes once the catalog has been read up to where it stood at start-up. */
    public Uni<Void> whenLoaded() {
        return Uni.createFrom().completionStage(loaded::copy);
    }

    /**
     * The newest {@code limit} photos and how many there are, once the catalog has been read up to where
     * it stood at start-up; a library can hold a million photos, so nobody is handed them all at once.
     */
    public Uni<PlaylistView> newest(int limit) {
        return Uni.createFrom().completionStage(loaded::copy).map(ignored -> {
            synchronized (this) {
                return new PlaylistView(newest(byId, limit), byId.size());
            }
        });
    }

    /** The {@code limit} newest of {@code photos}, newest first: one pass, keeping the newest in a heap. */
    static List<PhotoView> newest(java.util.Collection<PhotoView> photos, int limit) {
        java.util.PriorityQueue<PhotoView> kept = new java.util.PriorityQueue<>(limit + 1, PhotoView.NEWEST_FIRST.reversed());
        for (PhotoView photo : photos) {
            if (kept.size() < limit) {
                kept.add(photo);
            } else if (PhotoView.NEWEST_FIRST.compare(photo, kept.peek()) < 0) {
                kept.poll();
                kept.add(photo);
            }
        }
        List<PhotoView> newest = new java.util.ArrayList<>(kept);
        newest.sort(PhotoView.NEWEST_FIRST);
        return newest;
    }

    /** The catalog has been read up to its end as of start-up. */
    public void markLoaded() {
        if (loaded.complete(null)) {
            Log.infof("catalog loaded: %d photos", size);
        }
    }

    public boolean isLoaded() {
        return loaded.isDone();
    }

    /**
     * Serves what there is although the end of the catalog was never seen, because reading it made
     * no progress for {@code quiet} (broker unreachable, say), so frames are not held back forever.
     */
    public void serveUnfinished(Duration quiet) {
        if (loaded.complete(null)) {
            Log.warnf("catalog reading made no progress for %s; serving the %d photos read so far", quiet, size);
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("imgboard.display.playlist.photos", this, Playlist::size)
                .description("Photos in this display's playlist")
                .register(registry);
    }

    /**
     * Calls {@code listener} with every change, on the thread that applies it and under the same
     * lock, so listeners see changes in order and never miss one; they must not block.
     */
    public void onChange(Consumer<PlaylistEvent> listener) {
        listeners.add(listener);
    }

    private PlaylistEvent emit(PlaylistEvent event) {
        size = byId.size();
        listeners.forEach(listener -> listener.accept(event));
        return event;
    }
}
