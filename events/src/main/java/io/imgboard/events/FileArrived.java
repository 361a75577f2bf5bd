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
        Instant fileModifiedAt) implements FileEvent {
}
