-- The rendition set (the ledger is its one authority), reprocess jobs, stored dead letters, parked outbox rows.

CREATE TABLE rendition_spec (
    name     text    PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    width    integer NOT NULL CHECK (width BETWEEN 1 AND 16384),
    height   integer NOT NULL CHECK (height BETWEEN 1 AND 16384),
    quality  integer NOT NULL CHECK (quality BETWEEN 1 AND 100),
    position integer NOT NULL
);
INSERT INTO rendition_spec (name, width, height, quality, position) VALUES
    ('display', 1920, 1080, 82, 0),
    ('uhd', 3840, 2160, 82, 1),
    ('thumb', 480, 480, 75, 2);

-- One reprocess job at a time (the partial unique index); its progress advances from results only.
CREATE TABLE reprocess_job (
    id          uuid        PRIMARY KEY,
    scope       text        NOT NULL CHECK (scope IN ('all', 'failed')),
    state       text        NOT NULL CHECK (state IN ('running', 'finished', 'replaced')),
    total       integer     NOT NULL,
    done        integer     NOT NULL DEFAULT 0,
    failed      integer     NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE UNIQUE INDEX reprocess_job_one_running ON reprocess_job ((true)) WHERE state = 'running';
CREATE INDEX reprocess_job_started_idx ON reprocess_job (started_at DESC);

CREATE TABLE reprocess_item (
    job_id     uuid        NOT NULL REFERENCES reprocess_job (id) ON DELETE CASCADE,
    photo_id   uuid        NOT NULL REFERENCES photo (id) ON DELETE CASCADE,
    state      text        NOT NULL CHECK (state IN ('waiting', 'done', 'failed')),
    reason     text,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, photo_id)
);
CREATE INDEX reprocess_item_photo_idx ON reprocess_item (photo_id) WHERE state = 'waiting';

-- Every record on imgboard.dead-letter (from any service), for the ops page and replay.
CREATE TABLE dead_letter (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dlq_partition   integer     NOT NULL,
    dlq_offset      bigint      NOT NULL,
    topic           text,
    source_partition integer,
    source_offset   bigint,
    message_key     bytea,
    payload         bytea,
    reason          text,
    cause           text,
    received_at     timestamptz NOT NULL,
    replayed_at     timestamptz,
    CONSTRAINT dead_letter_position_key UNIQUE (dlq_partition, dlq_offset)
);
CREATE INDEX dead_letter_received_idx ON dead_letter (received_at DESC);

-- An outbox row that cannot be sent (not a broker outage: the record is refused) is parked: no longer
-- tried, no longer holding back its key, until an operator replays it.
ALTER TABLE outbox ADD COLUMN parked_at timestamptz;
CREATE INDEX outbox_parked_idx ON outbox (id) WHERE parked_at IS NOT NULL;
DROP INDEX outbox_unsent_idx;
CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL AND parked_at IS NULL;
DROP INDEX outbox_unsent_key_idx;
CREATE INDEX outbox_unsent_key_idx ON outbox (topic, message_key, id) WHERE sent_at IS NULL AND parked_at IS NULL;
