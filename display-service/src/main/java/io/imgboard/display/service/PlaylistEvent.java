package io.imgboard.display.service;

import java.util.List;
import java.util.UUID;

/**
 * What a frame's stream carries, each with the sequence number of the playlist state it leaves the
 * frame in. Sequence numbers grow by one per change within one display process.
 */
public sealed interface PlaylistEvent {
    long seq();

    /** The whole playlist, newest first. Always the first event of a stream. */
    record Snapshot(long seq, List<PhotoView> photos) implements PlaylistEvent {
    }

    /** A photo was published, or a published photo changed (same id: replace it). */
    record Added(long seq, PhotoView photo) implements PlaylistEvent {
    }

    /** A photo was retired; {@code fileName} is the img-board name it had. */
    record Removed(long seq, UUID photoId, String fileName) implements PlaylistEvent {
    }
}
