package io.imgboard.display.messaging;

import io.imgboard.display.config.OpsConfig;
import io.imgboard.events.Topics;
import io.imgboard.infra.testing.LocalInfraResource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ops page's lag view on the real broker: another display that is running is listed as one; a
 * display that has stopped (its group empty, nothing committed) is not, though the broker keeps its
 * group until the next offsets clean-up.
 */
class ConsumerLagTest {
    private final String bootstrap = LocalInfraResource.shared().endpoints().kafkaBootstrap();

    @Test
    void aStoppedDisplayLeavesTheLagViewWhileARunningOneStays() {
        String running = ConsumerLag.DISPLAY_GROUPS + UUID.randomUUID();
        String stopped = ConsumerLag.DISPLAY_GROUPS + UUID.randomUUID();
        ConsumerLag lag = new ConsumerLag(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                UUID.randomUUID().toString(), ops(), new SimpleMeterRegistry());
        try (KafkaConsumer<String, String> other = joined(running)) {
            joined(stopped).close();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                ConsumerLag.Report report = lag.refresh();
                assertNull(report.error());
                List<ConsumerLag.Row> rows = report.groups();
                assertTrue(rows.stream().noneMatch(r -> r.group().equals(stopped)), "the stopped display is listed: " + rows);
                ConsumerLag.Row row = rows.stream().filter(r -> r.group().equals(running)).findFirst().orElseThrow();
                assertEquals("display (other instance)", row.label());
                assertEquals(1, row.members());
            });
        } finally {
            lag.close();
        }
    }

    /** One service reading two topics in one group (as the ledger's channels do) is one consumer on each topic's row. */
    @Test
    void consumersAreCountedPerTopicNotPerGroup() {
        String group = "imgboard-lag-test-" + UUID.randomUUID();
        ConsumerLag lag = new ConsumerLag(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                UUID.randomUUID().toString(), ops(), new SimpleMeterRegistry());
        try (KafkaConsumer<String, String> catalog = consumer(group);
             KafkaConsumer<String, String> settings = consumer(group)) {
            catalog.subscribe(List.of(Topics.CATALOG));
            settings.subscribe(List.of(Topics.SETTINGS));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                catalog.poll(Duration.ofMillis(50)); // both stay in the group through its rebalances
                settings.poll(Duration.ofMillis(50));
                List<ConsumerLag.Row> rows = lag.refresh().groups().stream().filter(r -> r.group().equals(group)).toList();
                assertEquals(2, rows.size(), rows.toString());
                assertTrue(rows.stream().allMatch(r -> r.members() == 1), "one consumer on each topic: " + rows);
            });
        } finally {
            lag.close();
        }
    }

    private KafkaConsumer<String, String> consumer(String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
    }

    /** A consumer in {@code group} that has been given the catalog's partitions. */
    private KafkaConsumer<String, String> joined(String group) {
        KafkaConsumer<String, String> consumer = consumer(group);
        consumer.subscribe(List.of(Topics.CATALOG));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        return consumer;
    }

    private static OpsConfig ops() {
        return (OpsConfig) Proxy.newProxyInstance(OpsConfig.class.getClassLoader(), new Class<?>[] {OpsConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "lagCacheFor" -> Duration.ZERO;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
