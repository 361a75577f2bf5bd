package io.imgboard.ledger.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingResult;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.imgboard.ledger.persistence.PhotoEntity;
import io.imgboard.ledger.persistence.PhotoRepository;
import io.imgboard.ledger.service.Deliveries;
import io.imgboard.ledger.service.FileEvents;
import io.imgboard.ledger.service.PhotoMdc;
import io.imgboard.ledger.service.ProcessingResults;
import io.imgboard.support.WarmUp;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What the first photo after start-up would otherwise pay for in the ledger: the JIT and Hibernate's
 * first run of a new photo's file event (dedup look-ups, photo, origin, process request in the
 * outbox) and of its processing results (the early one and the complete one: twin look-ups by
 * capture time and by hash bands, catalog entry), the JSON of all of them as the consumers read it,
 * the outbox producer's metadata for the topics it sends to, and its first send through the outbox's
 * emitter and producer to the broker's acknowledgement (a process request's JSON, to
 * {@link Topics#WARM_UP}, which nobody reads). The events are applied exactly as the consumers apply
 * them, in one transaction that is then rolled back: nothing is committed, so no photo, outbox row,
 * counter (they count after commit) or record where a service reads comes of it. Runs at start-up
 * with {@code imgboard.warm-up} (default on).
 */
@ApplicationScoped
public class StartupWarmUp {
    /**
     * How the warm-up photo's SHA-256 begins (the rest is random, so instances warming up together do
     * not wait for each other); real content begins so with a chance of 2^-40.
     */
    public static final String SHA256_PREFIX = "0000000000";

    private final OutboxPublisher outbox;
    private final Deliveries deliveries;
    private final FileEvents files;
    private final ProcessingResults results;
    private final PhotoRepository photos;
    private final KafkaClientService kafka;
    private final ObjectMapper mapper;

    StartupWarmUp(OutboxPublisher outbox, Deliveries deliveries, FileEvents files, ProcessingResults results,
                  PhotoRepository photos, KafkaClientService kafka, ObjectMapper mapper) {
        this.outbox = outbox;
        this.deliveries = deliveries;
        this.files = files;
        this.results = results;
        this.photos = photos;
        this.kafka = kafka;
        this.mapper = mapper;
    }

    void onStart(@Observes StartupEvent event,
                 @ConfigProperty(name = "imgboard.warm-up", defaultValue = "true") boolean enabled) {
        if (enabled) {
            warmUp();
        }
    }

    /** @return whether every step succeeded; never throws */
    public boolean warmUp() {
        return WarmUp.of("ledger")
                .step("kafka", () -> {
                    for (String topic : List.of(Topics.PROCESS_REQUESTS, Topics.CATALOG)) {
                        kafka.getProducer(Channels.OUTBOX).partitionsFor(topic).await().atMost(Duration.ofSeconds(10));
                    }
                })
                .step("send", () -> {
                    UUID id = UUID.randomUUID();
                    String sha = SHA256_PREFIX + "0".repeat(64 - SHA256_PREFIX.length());
                    String request = mapper.writeValueAsString(new ProcessRequested(id, Instant.now(), id, sha,
                            "warm-up/" + id, "image/jpeg", List.of(), ProcessRequested.Reason.NEW));
                    outbox.send(Topics.WARM_UP, "ledger", request, null).get(10, TimeUnit.SECONDS);
                })
                .step("photo", this::newPhotoRolledBack)
                .run();
    }

    /** Ends the warm-up's transaction: what it wrote is rolled back. */
    private static final class RolledBack extends RuntimeException {
        RolledBack() {
            super("warm-up rolled back", null, false, false);
        }
    }

    /**
     * Two new photos, each as the consumers see one: its file event, its early result (the frames'
     * rendition, the rest pending) and its complete result, read from JSON and applied in one
     * transaction that is then rolled back. Each carries a perceptual hash, so the twin look-up runs:
     * the first photo has a capture time (a phone's photo: its twins are looked up by time), the second
     * none (by hash bands). A random hash matches no real photo's (within the distance, 64 random bits
     * do so with a chance below 10^-11 per photo).
     */
    private void newPhotoRolledBack() {
        try (FileEventDeserializer fileJson = new FileEventDeserializer();
             ProcessingResultDeserializer resultJson = new ProcessingResultDeserializer()) {
            QuarkusTransaction.requiringNew().timeout(30).run(() -> {
                newPhoto(fileJson, resultJson, new PhotoProcessed.Capture(Instant.now(), null, null, "img-board",
                        "warm-up"));
                newPhoto(fileJson, resultJson, null);
                throw new RolledBack(); // QuarkusTransaction rolls back on an exception from the work
            });
        } catch (RuntimeException e) {
            if (!(e instanceof RolledBack) && !(e.getCause() instanceof RolledBack)) {
                throw e;
            }
            // everything ran and nothing was committed
        } finally {
            PhotoMdc.clear();
        }
    }

    private void newPhoto(FileEventDeserializer fileJson, ProcessingResultDeserializer resultJson,
                          PhotoProcessed.Capture capture) {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String sha = SHA256_PREFIX + HexFormat.of().formatHex(bytes).substring(SHA256_PREFIX.length());
        FileArrived arrived = new FileArrived(UUID.randomUUID(), Instant.now(), "upload:warm-up",
                sha.substring(0, 12) + "/warm-up.jpg", "warm-up.jpg", 1, sha, "image/jpeg",
                "originals/" + sha.substring(0, 2) + "/" + sha, null, null, null);
        FileEvent read = fileJson.deserialize(Topics.FILES, json(arrived, FileEvent.class));
        deliveries.firstDelivery(read.eventId());
        files.handle(read);
        PhotoEntity photo = photos.findBySha256(sha).orElseThrow();
        String hash = HexFormat.of().toHexDigits(random.nextLong());
        Rendition display = rendition(photo, "display");
        List<Rendition> all = List.of(display, rendition(photo, "uhd"), rendition(photo, "thumb"));
        apply(resultJson, new PhotoProcessed(UUID.randomUUID(), Instant.now(), photo.id, photo.lastRequestId,
                List.of(display), 4, 3, "jpeg", capture, hash, null, List.of("uhd", "thumb")));
        apply(resultJson, new PhotoProcessed(UUID.randomUUID(), Instant.now(), photo.id, photo.lastRequestId,
                all, 4, 3, "jpeg", capture, hash, null));
    }

    private static Rendition rendition(PhotoEntity photo, String name) {
        return new Rendition(name, "warm-up/" + photo.id + "/" + name + ".webp", 4, 3, 1);
    }

    private void apply(ProcessingResultDeserializer resultJson, PhotoProcessed processed) {
        ProcessingResult result = resultJson.deserialize(Topics.PROCESSING_RESULTS, json(processed, ProcessingResult.class));
        deliveries.firstDelivery(result.eventId());
        results.handle(result);
    }

    private byte[] json(Object event, Class<?> as) {
        try {
            return mapper.writerFor(as).writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
