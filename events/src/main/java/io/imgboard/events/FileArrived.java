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
 * @param fileModifiedAt the file's own modification time when the source knows it (a capture hint), or null
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

    /** The fields of the first version, for producers that know no device or policy. */
    public FileArrived(UUID eventId, Instant occurredAt, String sourceId, String path, String name, long size,
                       String sha256, String contentType, String originalKey, Instant fileModifiedAt) {
        this(eventId, occurredAt, sourceId, path, name, size, sha256, contentType, originalKey, fileModifiedAt,
                null, null);
    }
}
