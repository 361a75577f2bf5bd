package io.imgboard.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Ingest's answer to an {@link ExportRequested}: the original was written (or not) into the export
 * folder. When written, {@code sourceId}/{@code path} name the file as an origin of the photo: the
 * folder source whose root holds it, or {@code export} when no source watches that folder. A folder
 * source therefore never re-imports what was exported into it.
 *
 * @param path    relative to the export folder, after any clash suffix ({@code 2026/07/IMG_0001-1.JPG})
 * @param written false when the file could not be written; {@code error} then says why
 */
public record FileExported(
        UUID eventId,
        Instant occurredAt,
        String sourceId,
        String path,
        UUID exportRunId,
        UUID photoId,
        String sha256,
        boolean written,
        String error) implements FileEvent {
}
