-- Folder sources and what each scan has seen of them (issue 6).

create table source (
    id             varchar(40) primary key,
    path           text        not null,
    recursive      boolean     not null default true,
    include_globs  text        not null default '',   -- newline-separated
    exclude_globs  text        not null default '',   -- newline-separated
    poll_seconds   integer     not null,
    stable_seconds integer     not null,
    after_import   varchar(8)  not null default 'keep',   -- keep | archive | delete
    archive_path   text,
    on_delete      varchar(8)  not null default 'retire', -- retire | keep
    configured_by  varchar(8)  not null,                  -- config | api
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    -- the last scan, for GET /api/v1/sources/{id}
    last_scan_at      timestamptz,
    last_scan_millis  bigint,
    last_scan_counts  text,   -- JSON object
    last_errors       text    -- JSON array of sentences
);

-- One row per file a scan has seen: the persisted snapshot. A file is taken once its size, mtime and
-- ctime have not changed for the source's stability window; a restart re-reads no unchanged file.
create table source_file (
    source_id     varchar(40) not null references source (id) on delete cascade,
    path          text        not null,
    size          bigint      not null,
    mtime_millis  bigint      not null,
    ctime_millis  bigint      not null,
    stable_since  timestamptz not null,
    state         varchar(8)  not null,  -- pending | imported | skipped | failed
    sha256        char(64),
    reason        text,
    primary key (source_id, path)
);
create index source_file_sha256 on source_file (sha256);
