package io.imgboard.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The ledger asks ingest to copy a photo's original into the export folder. Keyed by photo id on
 * {@link Topics#EXPORT_REQUESTS}. Ingest never overwrites: on a name clash with other content it adds
 * a suffix; the same content already there counts as written. It answers with {@link FileExported}.
 *
 * @param folder       the export folder as configured by the operator (ingest refuses a folder that
 *                     is neither a folder source's root nor below an allowed export root)
 * @param relativePath where in the folder, by the export layout ({@code 2026/07/IMG_0001.JPG} or flat)
 */
public record ExportRequested(
        UUID eventId,
        Instant occurredAt,
        UUID exportRunId,
        UUID photoId,
        String sha256,
        String originalKey,
        String folder,
        String relativePath) {
}
