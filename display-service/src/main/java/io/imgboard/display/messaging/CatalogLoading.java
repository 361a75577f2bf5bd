package io.imgboard.display.messaging;

import io.imgboard.display.config.DisplayConfig;
import io.imgboard.display.service.Playlist;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Knows when this instance has read the catalog up to where it ended at start-up, so a frame that
 * connects to a freshly started display gets the whole playlist, not an empty or half-built one.
 *
 * <p>The playlist is loaded once the catalog has been read to where it ended at start-up
 * ({@link ReadToStartupEnd}). If reading makes no progress for
 * {@code imgboard.display.catalog-load-timeout} after the broker assigned the catalog's partitions
 * (a transaction marker as the last offset, a broker lost mid-read) the playlist is served anyway. A
 * slow read that keeps moving (a restart on a loaded machine, a large catalog) is waited for: serving
 * half a catalog would send every frame a fresh page and then the rest of the library again as
 * {@code add}s. So is a broker that never answered (a display started during a Kafka outage): it would
 * serve an empty library, and frames that reconnected would lose every photo, then get them all back
 * as new ones; until it answers, frames are told the display is starting (503) and keep what they show.
 */
@ApplicationScoped
@Identifier(Channels.CATALOG_LOADING)
class CatalogLoading extends ReadToStartupEnd {
    private final Playlist playlist;
    private final DisplayConfig config;
    /** {@link System#nanoTime()} of the last sign of progress: start, assignment or a record read. */
    private volatile long progressedAt = System.nanoTime();
    /** Whether the broker ever assigned this instance the catalog's partitions. */
    private volatile boolean assigned;
    private volatile boolean toldWaiting;

    CatalogLoading(Playlist playlist, DisplayConfig config) {
        this.playlist = playlist;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        progressedAt = System.nanoTime();
        watchProgress();
    }

    /** Once a second until loaded: serves what was read once nothing has moved for the timeout. */
    private void watchProgress() {
        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> {
            if (playlist.isLoaded()) {
                return;
            }
            Duration quiet = Duration.ofNanos(System.nanoTime() - progressedAt);
            if (quiet.compareTo(config.catalogLoadTimeout()) >= 0 && assigned) {
                playlist.serveUnfinished(quiet);
            } else {
                if (quiet.compareTo(config.catalogLoadTimeout()) >= 0 && !toldWaiting) {
                    toldWaiting = true;
                    Log.warnf("the Kafka broker has not assigned the catalog for %s: frames are told the display is "
                            + "starting (503) until it can be read, rather than served an empty library", quiet);
                }
                watchProgress();
            }
        });
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        progressedAt = System.nanoTime();
        assigned = true;
        super.onPartitionsAssigned(consumer, partitions);
    }

    @Override
    public void read(String topic, int partition, long offset) {
        progressedAt = System.nanoTime();
        super.read(topic, partition, offset);
    }

    @Override
    protected boolean isLoaded() {
        return playlist.isLoaded();
    }

    @Override
    protected void markLoaded() {
        playlist.markLoaded();
    }
}
