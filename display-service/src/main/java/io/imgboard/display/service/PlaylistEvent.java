package io.imgboard.display.service;

import java.util.UUID;

/**
 * What a frame's stream carries, each with the catalog offset of the playlist state it leaves the
 * frame in. Offsets come from the compacted {@code imgboard.catalog} topic (one partition), so they
 * mean the same in every display instance and after a restart: a frame's {@code Last-Event-ID}.
 */
public sealed interface PlaylistEvent {
    long seq();

    /** The photo an {@link Added} or {@link Updated} carries, else null. */
    default PhotoView shown() {
        return this instanceof Added added ? added.photo() : this instanceof Updated updated ? updated.photo() : null;
    }

    /** A photo joined the playlist. */
    record Added(long seq, PhotoView photo) implements PlaylistEvent {
    }

    /**
     * A photo already in the playlist changed what frames see of it (the complete result after the early
     * {@code display} rendition, a reprocess, a new capture time): replace it where it is, never show it
     * again for it. {@code previous} is its state before, or null when a resuming frame missed several
     * changes and the state it holds is not known.
     */
    record Updated(long seq, PhotoView photo, PhotoView previous) implements PlaylistEvent {
    }

    /**
     * A photo was retired; {@code previous} is the photo as it was (null when never seen here): which
     * frames showed it, and the img-board name it had.
     */
    record Removed(long seq, UUID photoId, PhotoView previous) implements PlaylistEvent {
        /** The img-board name it had, or null. */
        public String fileName() {
            return previous == null ? null : previous.fileName();
        }
    }
}
