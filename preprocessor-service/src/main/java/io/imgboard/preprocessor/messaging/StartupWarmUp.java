package io.imgboard.preprocessor.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.ProcessingResult;
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

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the first photo after start-up would otherwise pay for besides imaging (which
 * {@link io.imgboard.preprocessor.service.ImagingEngine} warms): the request workers' pool (made on
 * the first record otherwise: 0.43 s of the first request's 2.2 s from the ledger's send to the
 * preprocessor taking it, bench pipeline at load 28), the S3 client's first requests (connection,
 * signing, the error answer), the results producer's first metadata fetch, and the first JSON of a
 * request and of a result. Runs at start-up with {@code imgboard.preprocessor.warm-up};
 * nothing is written anywhere, and a failure costs only the first photo's speed.
 */
@ApplicationScoped
class StartupWarmUp {

    void onStart(@Observes StartupEvent event, PreprocessorConfig config, ObjectStore store, KafkaClientService kafka,
                 ObjectMapper mapper, WorkerPoolRegistry workers) {
        if (!config.warmUp()) {
            return;
        }
        UUID id = UUID.randomUUID();
        WarmUp.of("preprocessor")
                // made once, by name: the consumer's @Blocking finds it made
                .step("workers", () -> workers.getWorker(Channels.WORKER_POOL))
                .step("s3", () -> {
                    for (int pass = 0; pass < 2; pass++) {
                        absent(() -> store.originalSize("warm-up/" + id));
                        absent(() -> store.renditionSize("warm-up/" + id + ".webp"));
                    }
                })
                .step("kafka", () -> kafka.getProducer(Channels.PROCESSING_RESULTS)
                        .partitionsFor(Topics.PROCESSING_RESULTS).await().atMost(Duration.ofSeconds(10)))
                .step("json", () -> {
                    ProcessRequested request = new ProcessRequested(id, Instant.now(), id, "0".repeat(64), "warm-up/" + id,
                            "image/jpeg", List.of(), ProcessRequested.Reason.NEW);
                    mapper.readValue(mapper.writeValueAsString(request), ProcessRequested.class);
                    ProcessingResult result = new ProcessingFailed(id, Instant.now(), id, id, "warm-up", false);
                    mapper.readValue(mapper.writerFor(ProcessingResult.class).writeValueAsString(result),
                            ProcessingResult.class);
                })
                .run();
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
