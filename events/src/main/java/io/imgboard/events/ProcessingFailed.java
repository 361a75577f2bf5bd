package io.imgboard.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A photo could not be turned into renditions.
 *
 * @param reason    for a person: what is wrong with the file, e.g. "truncated JPEG: premature end of data"
 * @param permanent true when trying again cannot help (a bad file); false for an outage that outlasted retries
 */
public record ProcessingFailed(
        UUID eventId,
        Instant occurredAt,
        UUID photoId,
        UUID requestId,
        String reason,
        boolean permanent) implements ProcessingResult {
}
