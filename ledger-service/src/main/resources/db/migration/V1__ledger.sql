-- The ledger's truth about photos. Flyway owns this schema; Hibernate never generates DDL.

-- One row per distinct content (sha256): the photo's identity, however many ways it arrived.
CREATE TABLE photo (
    id                  uuid        PRIMARY KEY,
    sha256              text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    status              varchar(16) NOT NULL CHECK (status IN ('PENDING', 'READY', 'FAILED')),
    original_key        text        NOT NULL,
    content_type        text,
    size                bigint      NOT NULL,
    -- the file's own modification time as first reported (a capture hint when EXIF has none)
    file_modified_at    timestamptz,
    -- the ProcessRequested whose result we wait for; older results are stale
    last_request_id     uuid,
    -- filled in by PhotoProcessed
    width               integer,
    height              integer,
    format              text,
    captured_at         timestamptz,
    captured_local_time text,
    captured_offset     text,
    camera_make         text,
    camera_model        text,
    perceptual_hash     text,
    placeholder         text,
    renditions          jsonb       NOT NULL DEFAULT '[]'::jsonb,
    -- filled in by ProcessingFailed, cleared by PhotoProcessed
    failure_reason      text,
    failure_permanent   boolean,
    failed_at           timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT photo_sha256_key UNIQUE (sha256)
);
-- GET /api/v1/photos (newest first, optionally by status)
CREATE INDEX photo_created_idx ON photo (created_at DESC, id);
CREATE INDEX photo_status_created_idx ON photo (status, created_at DESC, id);
-- GET /api/v1/failures
CREATE INDEX photo_failed_idx ON photo (failed_at DESC) WHERE status = 'FAILED';
-- near-duplicate detection (a later issue) looks photos up by perceptual hash
CREATE INDEX photo_perceptual_hash_idx ON photo (perceptual_hash) WHERE perceptual_hash IS NOT NULL;

-- One row per place a photo was seen: (source, path). The first per photo is the original,
-- every further one a duplicate.
CREATE TABLE origin (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    photo_id      uuid        NOT NULL REFERENCES photo (id) ON DELETE CASCADE,
    source_id     text        NOT NULL,
    path          text        NOT NULL,
    name          text        NOT NULL,
    first_seen_at timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    CONSTRAINT origin_source_path_key UNIQUE (source_id, path)
);
CREATE INDEX origin_photo_idx ON origin (photo_id);

-- Ids of events already applied: consumers may see an event twice (at-least-once delivery).
CREATE TABLE handled_event (
    event_id   uuid        PRIMARY KEY,
    handled_at timestamptz NOT NULL
);
CREATE INDEX handled_event_at_idx ON handled_event (handled_at);

-- Transactional outbox: a state change and the event it causes commit together; the relay sends
-- unsent rows in id order and sets sent_at only after the broker acknowledged the record.
CREATE TABLE outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic           text        NOT NULL,
    message_key     text        NOT NULL,
    -- the serialized JSON event; null is a Kafka tombstone (retiring a photo from the catalog)
    payload         text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz
);
CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;
