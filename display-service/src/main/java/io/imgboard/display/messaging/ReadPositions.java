package io.imgboard.display.messaging;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where this instance has read each partition of a topic it reads from the beginning in a group of its
 * own, committing nothing (the catalog, the settings, frames' bags). A rebalance (the broker restarted,
 * the group's coordinator moved) takes the partitions away and gives them back; with no committed
 * offset each would start again at its earliest record, and the topic's history would reach frames as
 * live changes: deleted photos added and removed again, old settings applied one after another. So at
 * assignment a partition this instance has read is sought back to where it was, and a record it has
 * read already (fetched before the rebalance, delivered after it) is not new ({@link #isNew}).
 */
public class ReadPositions implements KafkaConsumerRebalanceListener {
    /** Partition → the offset of the next record to read there. */
    private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.stream().noneMatch(next::containsKey)) {
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition partition : partitions) {
            Long at = next.get(partition);
            if (at == null) {
                continue;
            }
            if (at > ends.getOrDefault(partition, Long.MAX_VALUE)) {
                // the partition ends before where this instance was: the topic was made anew; read it as new
                next.remove(partition);
                Log.warnf("%s ends at %d, before offset %d read here: the topic was made anew, read from its start",
                        partition, ends.get(partition), at);
                continue;
            }
            consumer.seek(partition, at);
            Log.infof("%s assigned again: reading on from offset %d", partition, at);
        }
    }

    /** Whether a record is one this instance has not read yet: false for one delivered again after a rebalance. */
    public boolean isNew(String topic, int partition, long offset) {
        Long at = next.get(new TopicPartition(topic, partition));
        return at == null || offset >= at;
    }

    /** Called for every record read, whatever became of it. */
    public void read(String topic, int partition, long offset) {
        next.merge(new TopicPartition(topic, partition), offset + 1, Math::max);
    }
}
