-- Per-device upload tokens (only their SHA-256 is kept) and the WebDAV target's virtual namespace.

CREATE TABLE device (
    name          VARCHAR(64) PRIMARY KEY,
    token_sha256  CHAR(64)    NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    uploads       BIGINT      NOT NULL DEFAULT 0
);

-- One row per file or collection a WebDAV client made, per principal (a device name, or "upload").
-- The root of each principal's tree is implicit. path is "/a/b" (decoded, no trailing slash);
-- parent is the path of the collection it lies in ("" for the root).
CREATE TABLE dav_entry (
    id            BIGSERIAL PRIMARY KEY,
    principal     VARCHAR(64)   NOT NULL,
    path          VARCHAR(4096) NOT NULL,
    parent        VARCHAR(4096) NOT NULL,
    collection    BOOLEAN       NOT NULL,
    size          BIGINT        NOT NULL DEFAULT 0,
    sha256        CHAR(64),
    content_type  VARCHAR(200),
    created_at    TIMESTAMPTZ   NOT NULL,
    modified_at   TIMESTAMPTZ   NOT NULL,
    -- what became of a file: photo (announced as FileArrived), skipped (kept, not a photo), failed
    outcome       VARCHAR(16),
    reason        VARCHAR(500),
    UNIQUE (principal, path)
);
CREATE INDEX dav_entry_parent ON dav_entry (principal, parent);

-- Dead properties (PROPPATCH), kept with their entry across MOVE.
CREATE TABLE dav_property (
    id         BIGSERIAL PRIMARY KEY,
    entry_id   BIGINT        NOT NULL REFERENCES dav_entry (id) ON DELETE CASCADE,
    namespace  VARCHAR(1024) NOT NULL,
    name       VARCHAR(255)  NOT NULL,
    value      TEXT          NOT NULL,
    UNIQUE (entry_id, namespace, name)
);
