package io.imgboard.display.messaging;

import io.imgboard.display.config.DisplayConfig;
import io.imgboard.display.service.Playlist;
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
 * {@code imgboard.display.catalog-load-timeout} (a broker outage, or a transaction marker as the last
 * offset) the playlist is served anyway. A slow read that keeps moving (a restart on a loaded machine,
 * a large catalog) is waited for: serving half a catalog would send every frame a fresh page and then
 * the rest of the library again as {@code add}s.
 */
@ApplicationScoped
@Identifier(Channels.CATALOG_LOADING)
class CatalogLoading extends ReadToStartupEnd {
    private final Playlist playlist;
    private final DisplayConfig config;
    /** {@link System#nanoTime()} of the last sign of progress: start, assignment or a record read. */
    private volatile long progressedAt = System.nanoTime();

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
            if (quiet.compareTo(config.catalogLoadTimeout()) >= 0) {
                playlist.serveUnfinished(quiet);
            } else {
                watchProgress();
            }
        });
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        progressedAt = System.nanoTime();
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
