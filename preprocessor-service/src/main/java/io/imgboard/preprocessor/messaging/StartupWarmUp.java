package io.imgboard.preprocessor.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.Rendition;
import io.imgboard.events.Topics;
import io.imgboard.preprocessor.config.PreprocessorConfig;
import io.imgboard.preprocessor.storage.MissingObjectException;
import io.imgboard.preprocessor.storage.ObjectStore;
import io.imgboard.support.WarmUp;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.providers.connectors.WorkerPoolRegistry;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * What the first photo after start-up would otherwise pay for besides imaging (which
 * {@link io.imgboard.preprocessor.service.ImagingEngine} warms): the request workers' pool (made on
 * the first record otherwise: 0.43 s of the first request's 2.2 s from the ledger's send to the
 * preprocessor taking it, bench pipeline at load 28), the S3 client's first requests (connection,
 * signing, the error answer) and a photo-sized write and read, the results producer's first metadata
 * fetch, the first JSON of a request, and the first send of an early result (its JSON included) through
 * the results' emitter and producer to the broker's acknowledgement (to {@link Topics#WARM_UP}, which
 * nobody reads). Runs at start-up with
 * {@code imgboard.preprocessor.warm-up}; what it writes (objects under {@code warm-up/} in the
 * renditions bucket, one temporary file) it deletes, and a failure costs only the first photo's speed.
 */
@ApplicationScoped
class StartupWarmUp {

    void onStart(@Observes StartupEvent event, PreprocessorConfig config, ObjectStore store, KafkaClientService kafka,
                 ObjectMapper mapper, WorkerPoolRegistry workers, ResultPublisher results) {
        if (config.warmUp()) {
            warmUp(store, kafka, mapper, workers, results);
        }
    }

    /** @return whether every step succeeded; never throws */
    static boolean warmUp(ObjectStore store, KafkaClientService kafka, ObjectMapper mapper, WorkerPoolRegistry workers,
                          ResultPublisher results) {
        UUID id = UUID.randomUUID();
        return WarmUp.of("preprocessor")
                // made once, by name: the consumer's @Blocking finds it made
                .step("workers", () -> workers.getWorker(Channels.WORKER_POOL))
                .step("s3", () -> {
                    for (int pass = 0; pass < 2; pass++) {
                        absent(() -> store.originalSize("warm-up/" + id));
                        absent(() -> store.renditionSize("warm-up/" + id + ".webp"));
                    }
                    roundTrips(store, id);
                })
                .step("kafka", () -> kafka.getProducer(Channels.PROCESSING_RESULTS)
                        .partitionsFor(Topics.PROCESSING_RESULTS).await().atMost(Duration.ofSeconds(10)))
                // the request as the consumer reads it; a result's JSON is written by the send below
                .step("json", () -> mapper.readValue(mapper.writeValueAsString(new ProcessRequested(id, Instant.now(), id,
                        "0".repeat(64), "warm-up/" + id, "image/jpeg", List.of(), ProcessRequested.Reason.NEW)),
                        ProcessRequested.class))
                .step("send", () -> results.publishWarmUp(new PhotoProcessed(id, Instant.now(), id, id,
                        List.of(new Rendition("display", "warm-up/" + id + ".webp", 4, 3, 1)), 4, 3, "jpeg", null,
                        "0".repeat(16), null, List.of("uhd", "thumb"))))
                .run();
    }

    /** About a 12 MP original: enough bytes through the read and write loops for the JIT to compile them. */
    static final int PROBE_BYTES = 4 * 1024 * 1024;
    static final String TEMP_PREFIX = "imgboard-preprocessor-warm-up-";

    /**
     * A photo-sized object written, read back and deleted, twice: the first real download otherwise
     * took 0.4 s for 2.6 MB (the server's and the client's byte paths not yet compiled), 0.05 s warm.
     */
    static void roundTrips(ObjectStore store, UUID id) throws Exception {
        byte[] probe = new byte[PROBE_BYTES];
        new SplittableRandom(id.getLeastSignificantBits()).nextBytes(probe);
        Path target = Files.createTempFile(TEMP_PREFIX, ".bin");
        try {
            for (int pass = 0; pass < 2; pass++) {
                store.roundTrip("warm-up/" + id + "-" + pass, probe, target);
            }
        } finally {
            Files.deleteIfExists(target);
        }
    }

    @FunctionalInterface
    private interface Lookup {
        long call() throws Exception;
    }

    /** A look-up of an object that does not exist: the answer that it is missing is the expected one. */
    private static void absent(Lookup lookup) throws Exception {
        try {
            lookup.call();
        } catch (MissingObjectException expected) {
            // the request went all the way to the server and back
        }
    }
}
