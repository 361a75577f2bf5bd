package io.imgboard.display.messaging;

import io.imgboard.display.service.Settings;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows when this instance has read {@code imgboard.settings} up to where it ended at start-up, so
 * the first settings change after a restart merges onto the saved settings instead of the defaults
 * ({@link Settings#markLoaded}; writers wait for it). The same bookkeeping as {@link CatalogLoading}:
 * each partition's end offset is noted at assignment, on the polling thread, and the settings are
 * loaded once a record at or past every end has been read.
 */
@ApplicationScoped
@Identifier(Channels.SETTINGS_LOADING)
class SettingsLoading implements KafkaConsumerRebalanceListener {
    private final Settings settings;
    /** Partition → end offset at assignment, for partitions not yet read to that end. */
    private final Map<TopicPartition, Long> unread = new ConcurrentHashMap<>();
    private volatile boolean assigned;

    SettingsLoading(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (settings.isLoaded() || partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition partition : partitions) {
            long end = ends.getOrDefault(partition, 0L);
            long position = consumer.position(partition);
            if (position < end) {
                unread.put(partition, end);
            }
            Log.debugf("settings partition %s: reading from %d to %d", partition, position, end);
        }
        assigned = true;
        checkLoaded();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(unread::remove);
    }

    /** Called for every record read, whatever became of it. */
    void read(String topic, int partition, long offset) {
        if (!unread.isEmpty()) {
            unread.computeIfPresent(new TopicPartition(topic, partition), (p, end) -> offset + 1 >= end ? null : end);
        }
        checkLoaded();
    }

    private void checkLoaded() {
        if (assigned && unread.isEmpty() && !settings.isLoaded()) {
            settings.markLoaded();
        }
    }
}
