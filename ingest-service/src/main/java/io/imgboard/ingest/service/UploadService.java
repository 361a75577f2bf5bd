package io.imgboard.ingest.service;

import io.imgboard.events.FileArrived;
import io.imgboard.events.FileSkipped;
import io.imgboard.events.RemovalPolicy;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.messaging.PublishException;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.storage.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Takes one uploaded file from its spool file to a stored original and an acknowledged
 * {@link FileArrived}: inspect, refuse what is not an image, store by content, publish. A file
 * counts as accepted only when both S3 and Kafka have it; when either fails, that file alone is
 * {@link Status#FAILED}, so the other files of a request keep their results.
 */
@ApplicationScoped
public class UploadService {

    /** An uploaded file as spooled to disk, with the client's names for it (labels only). */
    public record Incoming(Path spoolFile, String clientName, String clientPath) {
    }

    /**
     * One file at any door, for {@link #intake}: the single path from bytes on disk to a stored
     * original and an acknowledged event.
     *
     * @param sourceId       {@code folder:<id>}, {@code upload:<name>}, {@code dav:<device>}
     * @param path           the file's path within its source (already normalised by the door), or null
     *                       for {@code <sha256[0:12]>/<name>}
     * @param name           the file's own name, one segment (cleaned here); a client's name that may be a path
     *                       goes through {@link #clientFileName} first
     * @param file           the bytes: a spool file or the source's own file; never moved or deleted here
     * @param deviceId       the device token it came through, or null
     * @param onDelete       the source's removal policy, or null (retire)
     * @param fileModifiedAt the file's own mtime when the source knows it, or null
     * @param siblings       whether a file of a given name lies beside it (pairs live photos); may be null
     * @param nonImages      what becomes of anything that is not an image ({@link NonImages})
     * @param expectedSha256 the SHA-256 the client declared ({@code X-Content-SHA256}), or null; a mismatch
     *                       is refused and nothing is stored
     */
    public record Intake(String sourceId, String path, String name, Path file, String deviceId,
                         RemovalPolicy onDelete, Instant fileModifiedAt, Predicate<String> siblings,
                         NonImages nonImages, String expectedSha256) {
    }

    /** What an intake does with a file that is not an image. */
    public enum NonImages {
        /** Refused with a 4xx, as the REST upload does. */
        REFUSE,
        /**
         * Recorded as skipped ({@link FileSkipped}) with its {@link FileKinds} reason, as a sync target
         * must; its bytes stay where they are (a folder source).
         */
        SKIP,
        /**
         * Skipped, and its bytes stored first, before it is announced: the WebDAV target is their only
         * home, and a client is told it has them only once they are kept.
         */
        KEEP
    }

    /**
     * {@code CREATED} and {@code DUPLICATE} are accepted (stored and announced); {@code REJECTED} will
     * never be (not an image); {@code FAILED} was not accepted because S3 or Kafka failed, and may be
     * sent again (storage is content-addressed, so a retry stores nothing twice).
     */
    public enum Status {
        CREATED, DUPLICATE, REJECTED, FAILED,
        /** Deliberately not a photo (live-photo video, sidecar, video, other); {@code error} holds the reason. */
        SKIPPED
    }

    /** The error of a file S3 could not store. */
    public static final String STORAGE_UNAVAILABLE = "storage unavailable, retry later";
    /** The error of a file whose event Kafka did not acknowledge (its bytes may be stored already). */
    public static final String KAFKA_UNAVAILABLE = "could not announce the file: Kafka unavailable, retry later";

    /**
     * What became of one file; {@code rejection} is null unless the status is {@link Status#REJECTED},
     * {@code error} is null unless it is {@code REJECTED} or {@link Status#FAILED}.
     */
    public record Outcome(String name, String sha256, long size, String contentType, Status status,
                          RejectionReason rejection, String error) {
    }

    /** One description for every status: Prometheus has one help text per metric. */
    private static final String UPLOADS_DESCRIPTION =
            "Files sent to ingest (REST uploads, WebDAV) not refused, by outcome: created or duplicate (accepted), "
                    + "failed (S3 or Kafka unavailable); folder-source files are imgboard_source_files_total's";

    private final OriginalStore store;
    private final FileEventPublisher publisher;
    private final Rejections rejections;
    private final Counter created;
    private final Counter duplicates;
    private final Counter failed;

    UploadService(OriginalStore store, FileEventPublisher publisher, Rejections rejections, MeterRegistry registry) {
        this.store = store;
        this.publisher = publisher;
        this.rejections = rejections;
        this.created = Counter.builder("imgboard.uploads").tag("status", "created")
                .description(UPLOADS_DESCRIPTION).register(registry);
        this.duplicates = Counter.builder("imgboard.uploads").tag("status", "duplicate")
                .description(UPLOADS_DESCRIPTION).register(registry);
        this.failed = Counter.builder("imgboard.uploads").tag("status", "failed")
                .description(UPLOADS_DESCRIPTION).register(registry);
    }

    /** The file name a client sent, which may be a path of its machine (a backslash separates too): its last part. */
    public static String clientFileName(String raw) {
        return Names.fileName(raw);
    }

    /** {@code upload:<source>}; the source must match {@code [a-z0-9-]{1,40}}, absent means {@code api}. */
    public static String uploadSourceId(String source) {
        return Names.uploadSourceId(source);
    }

    /**
     * Never throws for an unavailable S3 or Kafka: the outcome is then {@link Status#FAILED}.
     * Without a path from the client the event's path is {@code <sha256[0:12]>/<name>}: the name
     * alone would let two devices' {@code IMG_0001.JPG}s share an origin.
     *
     * A path from the client goes under the name of whose it is, as its WebDAV tree does: the device's
     * ({@code anna-phone/DCIM/IMG_1.JPG}), or {@code upload} for the shared tokens
     * ({@code upload/DCIM/IMG_1.JPG}), a name no device may take. The ledger reads new bytes at a known
     * (source, path) as that file replaced, so no client must be able to send a path that is another's.
     *
     * @param deviceId the device whose token the request came with (RequestGate's principal), or null
     */
    public Outcome accept(String sourceId, String deviceId, Incoming file) {
        String path = file.clientPath() == null ? null : Names.path(file.clientPath(), null);
        if (path != null) {
            path = (deviceId != null ? Principal.device(deviceId) : Principal.UPLOAD).tree() + "/" + path;
        }
        return intake(new Intake(sourceId, path, clientFileName(file.clientName()), file.spoolFile(), deviceId, null, null, null,
                NonImages.REFUSE, null));
    }

    /**
     * The one intake path every door uses: inspect the bytes, skip or refuse what is not a photo,
     * store the original, announce it, and say what became of it. Never throws for an unavailable
     * S3 or Kafka (the outcome is {@link Status#FAILED}): only those are; a file that cannot be read, or is
     * gone or no longer a regular file when its bytes are sent to S3, is the file's fault and throws.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public Outcome intake(Intake in) {
        return arrived(intakeOnce(in), in.deviceId());
    }

    /**
     * A file whose bytes are in (stored, known already, or kept for its client) takes an earlier refusal of the same
     * name that said to send it again off the refused uploads: rclone's retry after a 429 is not a file still missing.
     */
    private Outcome arrived(Outcome outcome, String deviceId) {
        if (outcome.status() == Status.CREATED || outcome.status() == Status.DUPLICATE || outcome.status() == Status.SKIPPED) {
            rejections.arrived(outcome.name(), Rejections.client(deviceId));
        }
        return outcome;
    }

    private Outcome intakeOnce(Intake in) {
        long start = System.nanoTime();
        String name = Names.segment(in.name());
        Inspection inspection;
        try {
            inspection = Inspection.of(in.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
        if (in.expectedSha256() != null && !in.expectedSha256().strip().equalsIgnoreCase(inspection.sha256())) {
            String error = "X-Content-SHA256 does not match the bytes received: declared " + in.expectedSha256().strip()
                    + ", received " + inspection.sha256() + "; nothing was kept";
            rejections.record(RejectionReason.BAD_REQUEST, name, error);
            return rejected(name, inspection, RejectionReason.BAD_REQUEST, error);
        }
        if (in.nonImages() != NonImages.REFUSE) {
            String reason = inspection.size() == 0 ? FileKinds.EMPTY_REASON
                    : FileKinds.of(name, inspection.detected(), in.siblings()).skipReason();
            if (reason != null) {
                return skip(in, name, inspection, reason);
            }
        }
        Outcome refused = refusal(name, inspection);
        if (refused != null) {
            rejections.record(refused.rejection(), name, refused.error());
            return refused;
        }
        String sha = inspection.sha256();
        String type = inspection.detected().contentType();
        String sourceId = in.sourceId();
        String path = in.path() != null && !in.path().isBlank() ? in.path() : Names.contentPath(sha, name);
        long inspected = System.nanoTime();
        boolean stored;
        try {
            stored = store.storeIfAbsent(sha, in.file(), inspection.size(), type);
        } catch (StorageException e) {
            return failure(in, name, inspection, STORAGE_UNAVAILABLE, e);
        }
        long storedAt = System.nanoTime();
        FileArrived event = new FileArrived(UUID.randomUUID(), Instant.now(), sourceId, path, name,
                inspection.size(), sha, type, OriginalStore.keyFor(sha), in.fileModifiedAt(), in.deviceId(),
                in.onDelete());
        try {
            publisher.publish(event);
        } catch (PublishException e) {
            return failure(in, name, inspection, KAFKA_UNAVAILABLE, e);
        }
        long announced = System.nanoTime();
        if (isUpload(in)) {
            (stored ? created : duplicates).increment();
        }
        // Where the time went: read and hashed, stored (or found) in S3, the event acknowledged.
        Log.infof("%s %s from %s as %s (%s, %d bytes, sha256 %s) timeline inspected=+%d stored=+%d announced=+%d ms",
                stored ? "stored" : "already stored", name, sourceId, path, type, inspection.size(), sha,
                millis(start, inspected), millis(start, storedAt), millis(start, announced));
        return new Outcome(name, sha, inspection.size(), type, stored ? Status.CREATED : Status.DUPLICATE, null, null);
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    private Outcome skip(Intake in, String name, Inspection inspection, String reason) {
        String path = in.path() != null && !in.path().isBlank() ? in.path()
                : Names.contentPath(inspection.sha256(), name);
        if (in.nonImages() == NonImages.KEEP && inspection.size() > 0) {
            try {
                store.storeIfAbsent(inspection.sha256(), in.file(), inspection.size(), keptType(inspection.detected().contentType()));
            } catch (StorageException e) {
                return failure(in, name, inspection, STORAGE_UNAVAILABLE, e);
            }
        }
        try {
            publisher.publish(new FileSkipped(UUID.randomUUID(), Instant.now(), in.sourceId(), path, name,
                    inspection.size(), reason));
        } catch (PublishException e) {
            return failure(in, name, inspection, KAFKA_UNAVAILABLE, e);
        }
        Log.infof("skipped %s from %s as %s: %s", name, in.sourceId(), path, reason);
        return new Outcome(name, inspection.sha256(), inspection.size(), inspection.detected().contentType(),
                Status.SKIPPED, null, reason);
    }

    /**
     * A file WebDAV keeps under a temporary or hidden name or folder ({@link FileKinds#heldReason}): its bytes are
     * stored, so the client can read them back and the rename can take them, and nothing is announced.
     * {@link Status#SKIPPED} with {@code reason}, or {@link Status#FAILED} when S3 is away.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public Outcome hold(String name, Path file, String reason, String deviceId) {
        Inspection inspection;
        try {
            inspection = Inspection.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
        String type = inspection.detected().contentType();
        if (inspection.size() > 0) {
            try {
                store.storeIfAbsent(inspection.sha256(), file, inspection.size(), keptType(type));
            } catch (StorageException e) {
                Log.warnf("%s (sha256 %s) not kept: %s: %s", name, inspection.sha256(), STORAGE_UNAVAILABLE, e.getMessage());
                return new Outcome(name, inspection.sha256(), inspection.size(), type, Status.FAILED, null, STORAGE_UNAVAILABLE);
            }
        }
        return arrived(new Outcome(name, inspection.sha256(), inspection.size(), type, Status.SKIPPED, null, reason), deviceId);
    }

    /** The content type a kept file is stored with: what its bytes look like, else plain bytes. */
    public static String keptType(String detected) {
        return detected == null ? "application/octet-stream" : detected;
    }

    /**
     * Whether the file was sent to ingest (a REST upload, a WebDAV PUT) rather than found in a folder
     * source: the ops page plots {@code imgboard_uploads_total} as uploads beside the sources' own
     * {@code imgboard_source_files_total} as files found, so a folder's file counted in both would show
     * as an upload nobody made, and its failure twice.
     */
    private static boolean isUpload(Intake in) {
        return in.sourceId() == null || !in.sourceId().startsWith(SourceSettings.FOLDER_PREFIX);
    }

    private Outcome failure(Intake in, String name, Inspection inspection, String error, RuntimeException cause) {
        if (isUpload(in)) {
            failed.increment();
            // The operator sees the refusal where rejections are listed; a folder source's file says it on its source.
            rejections.record(RejectionReason.UNAVAILABLE, name, "refused for now (" + error + "): nothing was kept");
        }
        // An outage the answer names, that the sender retries: one line each time, the trace only when debugging.
        Log.warnf("%s (sha256 %s) not accepted: %s: %s", name, inspection.sha256(), error, cause.getMessage());
        Log.debugf(cause, "%s not accepted", name);
        return new Outcome(name, inspection.sha256(), inspection.size(), inspection.detected().contentType(),
                Status.FAILED, null, error);
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
