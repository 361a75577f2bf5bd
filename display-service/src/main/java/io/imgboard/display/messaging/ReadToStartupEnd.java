package io.imgboard.display.messaging;

import io.quarkus.logging.Log;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows when this instance has read a compacted topic up to where it ended at start-up: at
 * assignment (on the polling thread) each partition's end offset is noted, and {@link #markLoaded}
 * is called once a record at or past every end has been read ({@link #read}, for every record,
 * whatever became of it). The catalog and the settings both need it; as {@link ReadPositions} it also
 * takes a partition assigned again back to where this instance had read it.
 */
abstract class ReadToStartupEnd extends ReadPositions {
    /** Partition → end offset at assignment, for partitions not yet read to that end. */
    private final Map<TopicPartition, Long> unread = new ConcurrentHashMap<>();
    private volatile boolean assigned;

    /** Whether what this topic feeds counts as loaded already. */
    protected abstract boolean isLoaded();

    /** The topic has been read to where it ended at start-up. */
    protected abstract void markLoaded();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        super.onPartitionsAssigned(consumer, partitions);
        if (isLoaded() || partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition partition : partitions) {
            long end = ends.getOrDefault(partition, 0L);
            long position = consumer.position(partition);
            if (position < end) {
                unread.put(partition, end);
            }
            Log.debugf("%s: reading from %d to %d", partition, position, end);
        }
        assigned = true;
        checkLoaded();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(unread::remove);
    }

    /** Called for every record read, applied or dead-lettered. */
    @Override
    public void read(String topic, int partition, long offset) {
        super.read(topic, partition, offset);
        if (!unread.isEmpty()) {
            unread.computeIfPresent(new TopicPartition(topic, partition), (p, end) -> offset + 1 >= end ? null : end);
        }
        checkLoaded();
    }

    private void checkLoaded() {
        if (assigned && unread.isEmpty() && !isLoaded()) {
            markLoaded();
        }
    }
}
