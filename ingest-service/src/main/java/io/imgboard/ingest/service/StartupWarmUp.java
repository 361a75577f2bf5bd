package io.imgboard.ingest.service;

import io.imgboard.events.FileArrived;
import io.imgboard.events.Topics;
import io.imgboard.ingest.messaging.Channels;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.support.WarmUp;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * What the first upload after start-up would otherwise pay for: the JIT of reading and hashing a
 * photo-sized file, the S3 client's first requests (connection, signing, the "not there" answer of
 * the duplicate check) and a photo-sized write and read, the file producer's first metadata fetch
 * for {@code imgboard.files}, and the first send of a {@link FileArrived} through the file events'
 * emitter, serializer and producer to its acknowledgement (to {@link Topics#WARM_UP}, which nobody
 * reads: the first upload's send and acknowledgement took 122–663 ms against 8–73 ms warm). Runs at
 * start-up with {@code imgboard.warm-up} (default on). Nothing is kept or recorded, and nothing is
 * sent where a service reads: its file lies in the temporary folder and its objects under
 * {@code warm-up/} in the originals bucket, and both are deleted.
 */
@ApplicationScoped
public class StartupWarmUp {
    /** About a 12 MP JPEG: enough rounds of the hash loop for the JIT to compile it. */
    static final int FILE_BYTES = 4 * 1024 * 1024;

    private final OriginalStore store;
    private final KafkaClientService kafka;
    private final FileEventPublisher events;

    StartupWarmUp(OriginalStore store, KafkaClientService kafka, FileEventPublisher events) {
        this.store = store;
        this.kafka = kafka;
        this.events = events;
    }

    void onStart(@Observes StartupEvent event,
                 @ConfigProperty(name = "imgboard.warm-up", defaultValue = "true") boolean enabled) {
        if (enabled) {
            warmUp();
        }
    }

    /** @return whether every step succeeded; never throws */
    public boolean warmUp() {
        String sha = "f".repeat(64);
        return WarmUp.of("ingest")
                .step("hash", () -> withAPhotoSizedFile(file -> {
                    for (int pass = 0; pass < 3; pass++) {
                        Inspection.of(file);
                    }
                }))
                .step("s3", () -> {
                    for (int pass = 0; pass < 2; pass++) {
                        store.isStored(sha); // not there: the answer the duplicate check gets for a new photo
                    }
                    // the first real upload's PUT otherwise took 0.25 s more than a warm one
                    withAPhotoSizedFile(file -> {
                        for (int pass = 0; pass < 2; pass++) {
                            store.roundTrip(file, FILE_BYTES);
                        }
                    });
                })
                .step("kafka", () -> kafka.getProducer(Channels.FILES_OUT).partitionsFor(Topics.FILES)
                        .await().atMost(Duration.ofSeconds(5)))
                .step("send", () -> events.publishWarmUp(new FileArrived(UUID.randomUUID(), Instant.now(),
                        "upload:warm-up", "warm-up.jpg", "warm-up.jpg", FILE_BYTES, sha, "image/jpeg",
                        OriginalStore.keyFor(sha), Instant.now(), null, null)))
                .run();
    }

    @FunctionalInterface
    private interface FileWork {
        void run(Path file) throws IOException;
    }

    /** A JPEG-headed file of {@link #FILE_BYTES} in the temporary folder, deleted after the work. */
    private static void withAPhotoSizedFile(FileWork work) throws IOException {
        Path file = Files.createTempFile("imgboard-warm-up-", ".jpg");
        try {
            byte[] chunk = new byte[64 * 1024];
            new SplittableRandom(1).nextBytes(chunk);
            chunk[0] = (byte) 0xFF;
            chunk[1] = (byte) 0xD8;
            chunk[2] = (byte) 0xFF;
            chunk[3] = (byte) 0xE0;
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int written = 0; written < FILE_BYTES; written += chunk.length) {
                    out.write(chunk);
                }
            }
            work.run(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
