package io.imgboard.display.messaging;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rule alone, on Kafka's own MockConsumer (the rebalance on the real broker is
 * CatalogStreamTest's): a partition given back is sought to where it was read, unless it now ends
 * before that offset, when the topic was made anew and is read from its start.
 */
class ReadPositionsTest {
    private static final TopicPartition CATALOG = new TopicPartition("imgboard.catalog", 0);

    @Test
    void aPartitionGivenBackIsReadOnFromWhereItWas() {
        ReadPositions positions = new ReadPositions();
        positions.read(CATALOG.topic(), 0, 9);
        MockConsumer<String, String> consumer = assigned(20);

        positions.onPartitionsAssigned(consumer, List.of(CATALOG));

        assertEquals(10, consumer.position(CATALOG));
        assertFalse(positions.isNew(CATALOG.topic(), 0, 9), "read before the rebalance");
        assertTrue(positions.isNew(CATALOG.topic(), 0, 10));
    }

    @Test
    void aTopicMadeAnewIsReadFromItsStart() {
        ReadPositions positions = new ReadPositions();
        positions.read(CATALOG.topic(), 0, 9);
        MockConsumer<String, String> consumer = assigned(3);
        consumer.seek(CATALOG, 0);

        positions.onPartitionsAssigned(consumer, List.of(CATALOG));

        assertEquals(0, consumer.position(CATALOG), "not sought past the new topic's end");
        assertTrue(positions.isNew(CATALOG.topic(), 0, 0), "the new topic's first record is new");
    }

    private static MockConsumer<String, String> assigned(long end) {
        MockConsumer<String, String> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.assign(List.of(CATALOG));
        consumer.updateBeginningOffsets(Map.of(CATALOG, 0L));
        consumer.updateEndOffsets(Map.of(CATALOG, end));
        return consumer;
    }
}
