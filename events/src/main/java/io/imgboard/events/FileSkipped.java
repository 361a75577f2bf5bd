package io.imgboard.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A source found a file that is deliberately not a photo and never will be: a live photo's video, a
 * sidecar, a video, a document. Not a failure; the ledger counts these per source and reason.
 *
 * @param reason for a person, short and stable so it can be counted: {@code live-photo video},
 *               {@code sidecar}, {@code video not supported}, {@code not an image}, …
 */
public record FileSkipped(
        UUID eventId,
        Instant occurredAt,
        String sourceId,
        String path,
        String name,
        long size,
        String reason) implements FileEvent {
}
