package io.imgboard.display.service;

import io.imgboard.events.PhotoPublished;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

/**
 * The photos frames show, rebuilt in memory from the compacted catalog topic at every start.
 *
 * <p>Changes go out through a {@link BroadcastProcessor}. A follower gets the snapshot and is
 * subscribed to changes under the same lock that applies changes, so it sees every change after
 * its snapshot exactly once, with nothing lost in between.
 */
@ApplicationScoped
public class Playlist implements MeterBinder {
    private static final Comparator<PhotoView> NEWEST_FIRST = Comparator.comparing(PhotoView::sortTime)
            .reversed()
            .thenComparing(PhotoView::photoId);

    private final BroadcastProcessor<PlaylistEvent> changes = BroadcastProcessor.create();
    private final Map<UUID, PhotoView> byId = new HashMap<>();
    private final Map<String, PhotoView> byFileName = new HashMap<>();
    private final NavigableMap<PhotoView, PhotoView> ordered = new TreeMap<>(NEWEST_FIRST);
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private final List<Consumer<PlaylistEvent>> listeners = new CopyOnWriteArrayList<>();
    private long seq;
    private volatile int size;

    /**
     * Adds or replaces a photo.
     *
     * @return the change, or empty when the record changes nothing a frame sees (a redelivery)
     * @throws InvalidCatalogRecordException when no frame could show the photo
     */
    public synchronized Optional<PlaylistEvent> publish(PhotoPublished published) {
        PhotoView view = PhotoView.from(published);
        PhotoView previous = byId.get(view.photoId());
        if (previous != null) {
            // A name is the photo's for life, and so is its first publication time: the ledger publishes
            // a photo again when it gains an origin (a duplicate upload, a twin), which changes nothing a
            // frame shows and must neither send a second add nor move an undated photo in the order.
            view = view.withFileName(previous.fileName()).withPublishedAt(previous.publishedAt());
        } else if (byFileName.containsKey(view.fileName())) {
            view = view.withFileName(CompatNames.full(published.name(), view.photoId()));
        }
        byId.put(view.photoId(), view);
        if (view.equals(previous)) {
            return Optional.empty();
        }
        if (previous != null) {
            ordered.remove(previous);
        }
        ordered.put(view, view);
        byFileName.put(view.fileName(), view);
        return Optional.of(emit(new PlaylistEvent.Added(++seq, view)));
    }

    /** Removes a photo; empty when it was not there (tombstones are idempotent too). */
    public synchronized Optional<PlaylistEvent> retire(UUID photoId) {
        PhotoView previous = byId.remove(photoId);
        if (previous == null) {
            return Optional.empty();
        }
        ordered.remove(previous);
        byFileName.remove(previous.fileName());
        return Optional.of(emit(new PlaylistEvent.Removed(++seq, photoId, previous.fileName())));
    }

    public synchronized PlaylistEvent.Snapshot snapshot() {
        return new PlaylistEvent.Snapshot(seq, List.copyOf(ordered.values()));
    }

    /** The photo img-board's {@code /images/<fileName>} names (exact, case-sensitive), if it is shown. */
    public synchronized Optional<PhotoView> byFileName(String fileName) {
        return Optional.ofNullable(byFileName.get(fileName));
    }

    public int size() {
        return size;
    }

    /** The playlist once the catalog has been read up to where it stood at start-up. */
    public Uni<PlaylistView> current() {
        return Uni.createFrom().completionStage(loaded::copy)
                .map(ignored -> new PlaylistView(snapshot().photos()));
    }

    /**
     * A stream for one frame: the snapshot (once the catalog is loaded), then every change. Items
     * are handed to the worker pool, so a frame's stream never runs on the consumer's thread. A
     * follower more than {@code bufferSize} events behind fails; its frame reconnects and starts
     * again from a snapshot, which is cheaper than holding changes for a stalled connection.
     */
    public Multi<PlaylistEvent> follow(int bufferSize) {
        Multi<PlaylistEvent> live = Multi.createFrom().<PlaylistEvent>emitter(emitter -> {
            Cancellable subscription;
            synchronized (this) {
                emitter.emit(snapshot());
                subscription = changes.subscribe().with(emitter::emit, emitter::fail, emitter::complete);
            }
            emitter.onTermination(subscription::cancel);
        }, bufferSize);
        return Uni.createFrom().completionStage(loaded::copy)
                .onItem().transformToMulti(ignored -> live)
                .emitOn(Infrastructure.getDefaultExecutor());
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
     * Serves what there is after {@code timeout} even when the end of the catalog was never seen
     * (broker unreachable, say), so frames are not held back forever.
     */
    public void loadAtMostFor(Duration timeout) {
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (loaded.complete(null)) {
                Log.warnf("catalog not fully read after %s; serving the %d photos read so far", timeout, size);
            }
        });
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
        changes.onNext(event);
        return event;
    }
}
