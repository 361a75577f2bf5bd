package io.imgboard.display.messaging;

import io.imgboard.display.config.DisplayConfig;
import io.imgboard.display.service.Playlist;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * When a fresh display serves its first playlist: after reading the catalog to its end, or after the
 * read has made no progress for the timeout; a read that is slow but moving is waited for (a restart
 * on a loaded machine once served half a catalog, then the rest again as adds).
 */
class CatalogLoadingTest {
    private static final TopicPartition CATALOG = new TopicPartition("imgboard.catalog", 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        reader.shutdownNow();
    }

    @Test
    void aSlowButMovingReadIsWaitedForPastTheTimeout() {
        Playlist playlist = new Playlist();
        CatalogLoading loading = started(playlist, 40);
        AtomicLong offset = new AtomicLong();
        // 40 records, one every 150 ms: 6 s in all, three times the timeout, never 2 s without progress
        reader.scheduleAtFixedRate(() -> loading.read(CATALOG.topic(), 0, offset.getAndIncrement()), 150, 150,
                TimeUnit.MILLISECONDS);

        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> !playlist.isLoaded());
        await().atMost(Duration.ofSeconds(10)).until(playlist::isLoaded);
        await().until(() -> offset.get() >= 40);
    }

    @Test
    void aReadThatStopsIsServedAfterTheTimeout() {
        Playlist playlist = new Playlist();
        CatalogLoading loading = started(playlist, 40);
        loading.read(CATALOG.topic(), 0, 0);
        loading.read(CATALOG.topic(), 0, 1);

        await().atMost(Duration.ofMillis(1500)).during(Duration.ofMillis(900)).until(() -> !playlist.isLoaded());
        await().atMost(Duration.ofSeconds(6)).until(playlist::isLoaded);
    }

    @Test
    void aBrokerThatNeverAnsweredIsWaitedForNotServedAsAnEmptyLibrary() {
        Playlist playlist = new Playlist();
        CatalogLoading loading = new CatalogLoading(playlist, config());
        loading.onStart(null); // started while Kafka is down: no assignment, no record

        await().atMost(Duration.ofSeconds(6)).during(Duration.ofSeconds(4)).until(() -> !playlist.isLoaded());
        assign(loading, 2); // the broker is back
        loading.read(CATALOG.topic(), 0, 0);
        loading.read(CATALOG.topic(), 0, 1);
        await().atMost(Duration.ofMillis(200)).until(playlist::isLoaded);
    }

    @Test
    void readingToTheEndLoadsAtOnce() {
        Playlist playlist = new Playlist();
        CatalogLoading loading = started(playlist, 3);
        for (long offset = 0; offset < 3; offset++) {
            assertFalse(playlist.isLoaded());
            loading.read(CATALOG.topic(), 0, offset);
        }
        await().atMost(Duration.ofMillis(200)).until(playlist::isLoaded);
    }

    private static CatalogLoading started(Playlist playlist, long end) {
        CatalogLoading loading = new CatalogLoading(playlist, config());
        loading.onStart(null);
        assign(loading, end);
        return loading;
    }

    private static void assign(CatalogLoading loading, long end) {
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(CATALOG));
        consumer.updateBeginningOffsets(Map.of(CATALOG, 0L));
        consumer.updateEndOffsets(Map.of(CATALOG, end));
        consumer.seek(CATALOG, 0);
        loading.onPartitionsAssigned(consumer, List.of(CATALOG));
    }

    /** Only the one setting CatalogLoading reads. */
    private static DisplayConfig config() {
        return (DisplayConfig) Proxy.newProxyInstance(DisplayConfig.class.getClassLoader(),
                new Class<?>[] {DisplayConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "catalogLoadTimeout" -> TIMEOUT;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
