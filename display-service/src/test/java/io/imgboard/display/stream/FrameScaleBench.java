package io.imgboard.display.stream;

import io.imgboard.display.service.Playlist;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.Neighbours;
import io.imgboard.infra.testing.SseClient;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Topics;
import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A benchmark, not in the suite (its name is not *Test): run it with
 * {@code mvn -B -o -pl display-service verify -Dtest=FrameScaleBench -Dit.test=NONE -Dfailsafe.failIfNoSpecifiedTests=false}.
 * 100,000 photos on the real catalog topic: a frame's connect payload stays a window (under 200 KB)
 * and the display's heap is printed. The photos are retired again at the end, so the tests that share
 * this broker see a small catalog.
 */
@QuarkusTest
@QuarkusTestResource(LocalInfraResource.class)
@QuarkusTestResource(Neighbours.class)
class FrameScaleBench {
    static final int PHOTOS = 100_000;
    static final int MAX_CONNECT_BYTES = 200 * 1024;

    @Inject
    Playlist playlist;

    @TestHTTPResource("/api/v1/events")
    URI events;

    @Test
    void aHundredThousandPhotosConnectWithAWindowUnder200KbAndTheHeapIsReported() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int before = playlist.size();
        long heapBefore = usedHeapAfterGc(memory);
        List<UUID> ids = new ArrayList<>(PHOTOS);
        // A placeholder the size the preprocessor makes (a few hundred bytes), so the window is honest.
        String placeholder = "data:image/webp;base64," + Base64.getEncoder().encodeToString(new byte[300]);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < PHOTOS; i++) {
                UUID id = UUID.randomUUID();
                PhotoPublished p = Catalog.named(id, "IMG_" + (100000 + i) + ".JPG", Instant.parse("2015-01-01T00:00:00Z")
                        .plusSeconds(i * 600L));
                PhotoPublished real = new PhotoPublished(p.eventId(), p.occurredAt(), id, p.sha256(), p.renditions(),
                        p.width(), p.height(), p.capturedAt(), placeholder, p.name(), p.arrivedAt(),
                        List.of("folder:scale"), List.of());
                producer.send(new ProducerRecord<>(Topics.CATALOG, id.toString(), Catalog.JSON.writeValueAsString(real)));
                ids.add(id);
            }
            producer.flush();
        }
        try {
            await().atMost(Duration.ofMinutes(30)).until(() -> playlist.size() >= before + PHOTOS);
            long heapLoaded = usedHeapAfterGc(memory);

            long started = System.nanoTime();
            String page;
            try (SseClient frame = SseClient.open(events)) {
                page = frame.await(SseClient.named("page"), Duration.ofMinutes(2)).data();
            }
            long connectMs = (System.nanoTime() - started) / 1_000_000;
            int pageBytes = page.getBytes(StandardCharsets.UTF_8).length;
            String next = RestAssured.get("/api/v1/frames/default/next?limit=100").then().statusCode(200).extract().asString();
            int nextBytes = next.getBytes(StandardCharsets.UTF_8).length;
            int photosInPage = Catalog.JSON.readTree(page).path("photos").size();
            int total = Catalog.JSON.readTree(page).path("total").asInt();

            System.out.printf("FrameScaleBench: %d photos in the catalog (frame total %d); connect page %d photos, %,d bytes;"
                            + " /next %,d bytes; first page after %d ms (not asserted);"
                            + " heap used after GC: %,d MB before, %,d MB with the photos (%,d bytes per photo)%n",
                    playlist.size(), total, photosInPage, pageBytes, nextBytes, connectMs, heapBefore >> 20,
                    heapLoaded >> 20, (heapLoaded - heapBefore) / PHOTOS);
            assertEquals(100, photosInPage);
            assertThat(total, greaterThanOrEqualTo(PHOTOS));
            assertThat(pageBytes, lessThan(MAX_CONNECT_BYTES));
            assertThat(nextBytes, lessThan(MAX_CONNECT_BYTES));
        } finally {
            try (KafkaProducer<String, String> producer = producer()) {
                ids.forEach(id -> producer.send(new ProducerRecord<>(Topics.CATALOG, id.toString(), null)));
                producer.flush();
            }
            await().atMost(Duration.ofMinutes(30)).until(() -> playlist.size() <= before);
        }
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Catalog.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024),
                new StringSerializer(), new StringSerializer());
    }
}
