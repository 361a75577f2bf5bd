package io.imgboard.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A file a source had reported now lives at another path of the same source: a WebDAV MOVE, a
 * rename in a folder, or an original moved into its archive after import ({@code toPath} may then
 * lie outside the watched folder). The origin moves; the photo is untouched. Keyed like every file
 * event by its source id ({@link FileEvent#key()}): after the arrival at {@link #path()}, the old path,
 * and before whatever comes at {@code toPath}.
 *
 * @param toPath the new path, as the source names it
 */
public record FileMoved(
        UUID eventId,
        Instant occurredAt,
        String sourceId,
        String path,
        String toPath) implements FileEvent {
}
