package io.imgboard.ingest.export;

import io.imgboard.events.ExportRequested;
import io.imgboard.events.FileExported;
import io.imgboard.ingest.messaging.Channels;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Instant;
import java.util.UUID;

/**
 * The ledger's {@link ExportRequested} → a file in the export folder → {@link FileExported} on
 * {@code imgboard.files}, where the ledger records the file as an origin of the photo (or the failure
 * with its reason). What may pass (S3, the disk, PostgreSQL) is tried again with growing pauses; what
 * cannot (a refused folder or path) is answered at once. A redelivered request finds its own file and
 * answers the same. Only an answer Kafka never takes leaves the record to the dead-letter topic.
 */
@ApplicationScoped
public class ExportConsumer {
    private final ExportWriter writer;
    private final FileEventPublisher publisher;
    private final MeterRegistry registry;
    private final RetryPolicy retry;

    ExportConsumer(ExportWriter writer, FileEventPublisher publisher, MeterRegistry registry, ExportConfig config) {
        this.writer = writer;
        this.publisher = publisher;
        this.registry = registry;
        this.retry = new RetryPolicy(config.maxAttempts(), config.firstPause(), config.maxPause());
    }

    void onStop(@Observes ShutdownEvent event) {
        retry.stop();
    }

    @Incoming(Channels.EXPORT_REQUESTS_IN)
    @Blocking
    public void consume(ExportRequested request) {
        if (request == null) {
            Log.warn("unreadable record on imgboard.export-requests ignored");
            return;
        }
        FileExported answer = export(request);
        retry.run("announcing the export of photo " + request.photoId(), () -> {
            publisher.publish(answer);
            return null;
        });
    }

    /** Writes the file and says what became of it; never throws for the request's own sake. */
    FileExported export(ExportRequested request) {
        String what = "export of photo " + request.photoId() + " to " + request.folder();
        try {
            ExportWriter.Written written = retry.run(what, () -> writer.write(request));
            registry.counter("imgboard.exports", "outcome", "written").increment();
            return answer(request, written.sourceId(), written.path(), true, null);
        } catch (ExportRefused refused) {
            return failed(request, refused.getMessage());
        } catch (RetryPolicy.GaveUp gaveUp) {
            return failed(request, "not written after " + gaveUp.attempts + " attempts: " + gaveUp.getMessage());
        }
    }

    private FileExported failed(ExportRequested request, String error) {
        Log.warnf("export of photo %s to %s/%s not written: %s", request.photoId(), request.folder(),
                request.relativePath(), error);
        registry.counter("imgboard.exports", "outcome", "failed").increment();
        String path = request.relativePath() == null || request.relativePath().isBlank() ? "-" : request.relativePath();
        return answer(request, ExportWriter.EXPORT_SOURCE, path, false, error);
    }

    private static FileExported answer(ExportRequested request, String sourceId, String path, boolean written,
                                       String error) {
        return new FileExported(UUID.randomUUID(), Instant.now(), sourceId, path, request.exportRunId(),
                request.photoId(), request.sha256(), written, error);
    }
}
