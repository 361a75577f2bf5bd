package io.imgboard.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A file's bytes are durably stored as an original and may be a photo.
 *
 * @param name        the file name the client gave, for people to read
 * @param size        bytes
 * @param sha256      lowercase hex SHA-256 of the bytes; the photo's identity
 * @param contentType the type detected from the bytes (magic numbers), not the client's claim
 * @param originalKey object key in the originals bucket: {@code originals/<sha[0:2]>/<sha>}
 * @param fileModifiedAt the file's own modification time when the source knows it (a capture hint), or null;
 *                    a time outside {@link #isFileTime} is no hint and is carried as null
 * @param deviceId    the device token the file came through (REST or WebDAV), or null (folder sources,
 *                    the shared upload token)
 * @param onDelete    what the source wants when this file is later removed from it; null means
 *                    {@link RemovalPolicy#RETIRE}
 */
public record FileArrived(
        UUID eventId,
        Instant occurredAt,
        String sourceId,
        String path,
        String name,
        long size,
        String sha256,
        String contentType,
        String originalKey,
        Instant fileModifiedAt,
        String deviceId,
        RemovalPolicy onDelete) implements FileEvent {
    private static final Instant EARLIEST_FILE_TIME = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST_FILE_TIME = Instant.parse("9999-12-31T23:59:59Z");

    public FileArrived {
        if (fileModifiedAt != null && !isFileTime(fileModifiedAt)) {
            fileModifiedAt = null;
        }
    }

    /**
     * Whether a file's time can be kept: years 1 to 9999, which ISO 8601's four-digit years, PostgreSQL's
     * columns and browsers all take. A time outside (a clock gone wrong, a header sent wrong) is no hint
     * at all, and would fail every store of it.
     */
    public static boolean isFileTime(Instant time) {
        return !time.isBefore(EARLIEST_FILE_TIME) && !time.isAfter(LATEST_FILE_TIME);
    }

    /** The fields of the first version, for producers that know no device or policy. */
    public FileArrived(UUID eventId, Instant occurredAt, String sourceId, String path, String name, long size,
                       String sha256, String contentType, String originalKey, Instant fileModifiedAt) {
        this(eventId, occurredAt, sourceId, path, name, size, sha256, contentType, originalKey, fileModifiedAt,
                null, null);
    }
}
