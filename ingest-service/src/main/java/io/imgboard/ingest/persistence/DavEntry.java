package io.imgboard.ingest.persistence;

import java.time.Instant;

/**
 * A file or collection of a WebDAV tree, as the rest of the service sees it. {@code id} is null for
 * a principal's root, which is implicit.
 */
public record DavEntry(Long id, String path, boolean collection, long size, String sha256, String contentType,
                       Instant createdAt, Instant modifiedAt, String outcome, String reason) {

    static DavEntry of(DavEntryEntity e) {
        return new DavEntry(e.id, e.path, e.collection, e.size, e.sha256, e.contentType, e.createdAt, e.modifiedAt,
                e.outcome, e.reason);
    }

    public static DavEntry root() {
        Instant epoch = Instant.EPOCH;
        return new DavEntry(null, "", true, 0, null, null, epoch, epoch, null, null);
    }

    /** The last segment of the path. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
