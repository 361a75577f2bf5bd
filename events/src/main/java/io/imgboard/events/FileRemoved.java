package io.imgboard.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A file a source had reported is gone from it (deleted at the source, or a WebDAV DELETE). Moving
 * an original into an archive after import is not a removal ({@link FileMoved}).
 *
 * @param onDelete the source's policy at the time of removal; null means {@link RemovalPolicy#RETIRE}
 */
public record FileRemoved(
        UUID eventId,
        Instant occurredAt,
        String sourceId,
        String path,
        RemovalPolicy onDelete) implements FileEvent {

    public FileRemoved(UUID eventId, Instant occurredAt, String sourceId, String path) {
        this(eventId, occurredAt, sourceId, path, null);
    }

    /** The policy to apply: {@link RemovalPolicy#RETIRE} unless the source said otherwise. */
    public RemovalPolicy policy() {
        return onDelete == null ? RemovalPolicy.RETIRE : onDelete;
    }
}
