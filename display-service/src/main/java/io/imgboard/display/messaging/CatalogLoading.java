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

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows when this instance has read the catalog up to where it ended at start-up, so a frame that
 * connects to a freshly started display gets the whole playlist, not an empty or half-built one.
 *
 * <p>At assignment (on the polling thread) it notes each partition's end offset; the playlist is
 * loaded once a record at or past every end has been read. If that never happens (a broker outage,
 * or a transaction marker as the last offset) the playlist is served anyway after
 * {@code imgboard.display.catalog-load-timeout}.
 */
@ApplicationScoped
@Identifier(Channels.CATALOG_LOADING)
class CatalogLoading implements KafkaConsumerRebalanceListener {
    private final Playlist playlist;
    private final DisplayConfig config;
    /** Partition → end offset at assignment, for partitions not yet read to that end. */
    private final Map<TopicPartition, Long> unread = new ConcurrentHashMap<>();
    private volatile boolean assigned;

    CatalogLoading(Playlist playlist, DisplayConfig config) {
        this.playlist = playlist;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        playlist.loadAtMostFor(config.catalogLoadTimeout());
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
        checkLoaded();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(unread::remove);
    }

    /** Called for every record read, applied or dead-lettered. */
    void read(String topic, int partition, long offset) {
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
