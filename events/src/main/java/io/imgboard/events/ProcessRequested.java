package io.imgboard.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The ledger asks for renditions of one photo. Keyed by photo id.
 *
 * @param originalKey object key of the original in the originals bucket
 * @param contentType as detected at ingest (a hint; the preprocessor detects again)
 * @param renditions  what to make; empty means the preprocessor's configured default set
 */
public record ProcessRequested(
        UUID eventId,
        Instant occurredAt,
        UUID photoId,
        String sha256,
        String originalKey,
        String contentType,
        List<RenditionSpec> renditions,
        Reason reason) {

    public enum Reason {
        NEW, REPROCESS
    }
}
