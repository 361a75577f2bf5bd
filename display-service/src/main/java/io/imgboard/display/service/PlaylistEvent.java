package io.imgboard.display.service;

import java.util.List;
import java.util.UUID;

/**
 * What a frame's stream carries, each with the catalog offset of the playlist state it leaves the
 * frame in. Offsets come from the compacted {@code imgboard.catalog} topic (one partition), so they
 * mean the same in every display instance and after a restart: a frame's {@code Last-Event-ID}.
 */
public sealed interface PlaylistEvent {
    long seq();

    /** The whole playlist, newest first. */
    record Snapshot(long seq, List<PhotoView> photos) implements PlaylistEvent {
    }

    /** A photo was published, or a published photo changed (same id: replace it). */
    record Added(long seq, PhotoView photo) implements PlaylistEvent {
    }

    /** A photo was retired; {@code fileName} is the img-board name it had (null when never seen here). */
    record Removed(long seq, UUID photoId, String fileName) implements PlaylistEvent {
    }

    /**
     * The first event of a stream, once it follows every change: for a fresh stream with what whoever
     * follows built from the playlist (a named frame's window, say); null when it resumes.
     */
    record Start(long seq, Object body) implements PlaylistEvent {
    }
}
