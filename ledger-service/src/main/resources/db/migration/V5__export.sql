-- Export of photos into a folder (ingest writes the files; the ledger decides and records).

-- The settings, one row; path null = export not configured.
CREATE TABLE export_setting (
    id        integer     PRIMARY KEY CHECK (id = 1),
    path      text,
    layout    text        NOT NULL CHECK (layout IN ('date', 'flat')),
    mode      text        NOT NULL CHECK (mode IN ('going-forward', 'full')),
    baseline  timestamptz,
    -- the folder source that watches the export folder, when one does (learnt from FileExported too):
    -- photos that came from it are never exported back into it
    source_id text,
    updated_at timestamptz NOT NULL
);

CREATE TABLE export_run (
    id         uuid        PRIMARY KEY,
    folder     text        NOT NULL,
    started_at timestamptz NOT NULL,
    requested  integer     NOT NULL,
    written    integer     NOT NULL DEFAULT 0,
    failed     integer     NOT NULL DEFAULT 0,
    skipped    jsonb       NOT NULL
);
CREATE INDEX export_run_started_idx ON export_run (started_at DESC);

-- One row per photo and export folder: requested, then written or failed. A photo written (or in
-- flight) is never requested again for that folder, so running an export twice changes nothing.
CREATE TABLE export_item (
    folder        text        NOT NULL,
    photo_id      uuid        NOT NULL REFERENCES photo (id) ON DELETE CASCADE,
    run_id        uuid        NOT NULL REFERENCES export_run (id) ON DELETE CASCADE,
    relative_path text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('requested', 'written', 'failed')),
    error         text,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (folder, photo_id)
);
CREATE INDEX export_item_run_idx ON export_item (run_id);
