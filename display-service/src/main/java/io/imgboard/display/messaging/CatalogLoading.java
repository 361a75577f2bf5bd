package io.imgboard.display.messaging;

import io.imgboard.display.config.DisplayConfig;
import io.imgboard.display.service.Playlist;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Knows when this instance has read the catalog up to where it ended at start-up, so a frame that
 * connects to a freshly started display gets the whole playlist, not an empty or half-built one.
 *
 * <p>At assignment (on the polling thread) it notes each partition's end offset; the playlist is
 * loaded once a record at or past every end has been read. If reading makes no progress for
 * {@code imgboard.display.catalog-load-timeout} (a broker outage, or a transaction marker as the last
 * offset) the playlist is served anyway. A slow read that keeps moving (a restart on a loaded machine,
 * a large catalog) is waited for: serving half a catalog would send every frame a fresh page and then
 * the rest of the library again as {@code add}s.
 */
@ApplicationScoped
@Identifier(Channels.CATALOG_LOADING)
class CatalogLoading implements KafkaConsumerRebalanceListener {
    private final Playlist playlist;
    private final DisplayConfig config;
    /** Partition → end offset at assignment, for partitions not yet read to that end. */
    private final Map<TopicPartition, Long> unread = new ConcurrentHashMap<>();
    private volatile boolean assigned;
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
        if (playlist.isLoaded() || partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition partition : partitions) {
            long end = ends.getOrDefault(partition, 0L);
            long position = consumer.position(partition);
            if (position < end) {
                unread.put(partition, end);
            }
            Log.debugf("catalog partition %s: reading from %d to %d", partition, position, end);
        }
        assigned = true;
        progressedAt = System.nanoTime();
        checkLoaded();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(unread::remove);
    }

    /** Called for every record read, applied or dead-lettered. */
    void read(String topic, int partition, long offset) {
        progressedAt = System.nanoTime();
        if (!unread.isEmpty()) {
            unread.computeIfPresent(new TopicPartition(topic, partition), (p, end) -> offset + 1 >= end ? null : end);
        }
        checkLoaded();
    }

    private void checkLoaded() {
        if (assigned && unread.isEmpty() && !playlist.isLoaded()) {
            playlist.markLoaded();
        }
    }
}
