package io.imgboard.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A photo frames may show, with everything a frame needs. Keyed by photo id on the compacted
 * {@link Topics#CATALOG}; the latest record per photo wins and a null value retires it.
 */
public record PhotoPublished(
        UUID eventId,
        Instant occurredAt,
        UUID photoId,
        String sha256,
        List<Rendition> renditions,
        int width,
        int height,
        Instant capturedAt,
        String placeholder) {
}
