package io.imgboard.events;

import java.time.Instant;
import java.util.UUID;

/** A file a source had reported is gone from it. */
public record FileRemoved(
        UUID eventId,
        Instant occurredAt,
        String sourceId,
        String path) implements FileEvent {
}
