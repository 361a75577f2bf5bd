-- Stored bytes that a WebDAV file which is not a photo (a video, a sidecar, a held .part) no longer holds: the
-- file was deleted, written over or moved over. Each is deleted from S3 once it is due, unless another WebDAV file
-- holds the same bytes or the ledger knows them as a photo's (the ledger decides about those) (OriginalReleases).
CREATE TABLE original_release (
    sha256      CHAR(64)      PRIMARY KEY,
    due_at      TIMESTAMPTZ   NOT NULL,
    attempts    INT           NOT NULL DEFAULT 0,
    last_error  VARCHAR(1000)
);
CREATE INDEX original_release_due_idx ON original_release (due_at);
CREATE INDEX dav_entry_sha256_idx ON dav_entry (sha256);
