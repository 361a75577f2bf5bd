package io.imgboard.ingest.service;

import io.imgboard.events.FileArrived;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.storage.OriginalStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * Takes one uploaded file from its spool file to a stored original and an acknowledged
 * {@link FileArrived}: inspect, refuse what is not an image, store by content, publish. A file
 * counts as accepted only when both S3 and Kafka have it.
 */
@ApplicationScoped
public class UploadService {

    /** An uploaded file as spooled to disk, with the client's names for it (labels only). */
    public record Incoming(Path spoolFile, String clientName, String clientPath) {
    }

    public enum Status {
        CREATED, DUPLICATE, REJECTED
    }

    /** What became of one file; {@code rejection} is null unless the status is {@link Status#REJECTED}. */
    public record Outcome(String name, String sha256, long size, String contentType, Status status,
                          RejectionReason rejection, String error) {
    }

    private final OriginalStore store;
    private final FileEventPublisher publisher;
    private final Rejections rejections;
    private final Counter created;
    private final Counter duplicates;

    UploadService(OriginalStore store, FileEventPublisher publisher, Rejections rejections, MeterRegistry registry) {
        this.store = store;
        this.publisher = publisher;
        this.rejections = rejections;
        this.created = Counter.builder("imgboard.uploads").tag("status", "created")
                .description("Files accepted, new or already stored").register(registry);
        this.duplicates = Counter.builder("imgboard.uploads").tag("status", "duplicate")
                .description("Files accepted, new or already stored").register(registry);
    }

    /** {@code upload:<source>}; the source must match {@code [a-z0-9-]{1,40}}, absent means {@code api}. */
    public static String uploadSourceId(String source) {
        return Names.uploadSourceId(source);
    }

    /**
     * @throws io.imgboard.ingest.storage.StorageException when S3 cannot store the original
     * @throws io.imgboard.ingest.messaging.PublishException when Kafka does not acknowledge the event
     */
    public Outcome accept(String sourceId, Incoming file) {
        String name = Names.fileName(file.clientName());
        Inspection inspection;
        try {
            inspection = Inspection.of(file.spoolFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled upload of " + name, e);
        }
        Outcome refused = refusal(name, inspection);
        if (refused != null) {
            rejections.record(refused.rejection(), name, refused.error());
            return refused;
        }
        String sha = inspection.sha256();
        String type = inspection.detected().contentType();
        // without a path from the client: <sha256[0:12]>/<name>, or two devices' IMG_0001.JPGs would share an origin
        String path = Names.path(file.clientPath(), Names.contentPath(sha, name));
        boolean stored = store.storeIfAbsent(sha, file.spoolFile(), inspection.size(), type);
        FileArrived event = new FileArrived(UUID.randomUUID(), Instant.now(), sourceId, path, name,
                inspection.size(), sha, type, OriginalStore.keyFor(sha), null);
        publisher.publish(event);
        (stored ? created : duplicates).increment();
        Log.infof("upload %s %s from %s as %s (%s, %d bytes, sha256 %s)", stored ? "stored" : "already stored",
                name, sourceId, path, type, inspection.size(), sha);
        return new Outcome(name, sha, inspection.size(), type, stored ? Status.CREATED : Status.DUPLICATE, null, null);
    }

    private static Outcome refusal(String name, Inspection inspection) {
        MagicBytes.Detected detected = inspection.detected();
        if (inspection.size() == 0) {
            return rejected(name, inspection, RejectionReason.EMPTY, "empty file: it has no bytes");
        }
        return switch (detected.kind()) {
            case IMAGE -> null;
            case NOT_IMAGE -> rejected(name, inspection, RejectionReason.NOT_AN_IMAGE,
                    "not an image: the bytes look like " + detected.contentType());
            case UNSUPPORTED_IMAGE -> rejected(name, inspection, RejectionReason.UNSUPPORTED_IMAGE,
                    "unsupported image format: the bytes look like " + detected.contentType() + "; accepted are "
                            + MagicBytes.acceptedFormats());
            case UNKNOWN -> rejected(name, inspection, RejectionReason.UNRECOGNISED,
                    "unrecognised format: the bytes are not " + MagicBytes.acceptedFormats());
        };
    }

    private static Outcome rejected(String name, Inspection inspection, RejectionReason reason, String error) {
        return new Outcome(name, inspection.sha256(), inspection.size(), inspection.detected().contentType(),
                Status.REJECTED, reason, error);
    }
}
