-- Lifecycle (retire, hide, delete), failures that heal, near-duplicate twins, device origins, skipped files.

-- TWIN: the content is a near-duplicate of another photo (twin_of) and is never shown on its own.
ALTER TABLE photo DROP CONSTRAINT photo_status_check;
ALTER TABLE photo ADD CONSTRAINT photo_status_check CHECK (status IN ('PENDING', 'READY', 'FAILED', 'TWIN'));

-- The file name as first seen, fixed for the photo's life (catalog label, img-board file name).
ALTER TABLE photo ADD COLUMN name text;
UPDATE photo SET name = (SELECT o.name FROM origin o WHERE o.photo_id = photo.id ORDER BY o.first_seen_at, o.id LIMIT 1);
UPDATE photo SET name = sha256 WHERE name IS NULL;
ALTER TABLE photo ALTER COLUMN name SET NOT NULL;

-- Visibility, independent of processing: a photo is shown when READY and none of these is set.
ALTER TABLE photo ADD COLUMN hidden     boolean NOT NULL DEFAULT false;
ALTER TABLE photo ADD COLUMN retired_at timestamptz;
ALTER TABLE photo ADD COLUMN deleted_at timestamptz;

-- Processing requests and temporary failures: requested_at is set while a request is unanswered
-- (re-sent when it is stuck); next_retry_at while a temporary failure waits for its next request;
-- first_failed_at starts the clock that ends in FAILED after imgboard.ledger.processing.max-retry-age.
ALTER TABLE photo ADD COLUMN requested_at    timestamptz;
ALTER TABLE photo ADD COLUMN next_retry_at   timestamptz;
ALTER TABLE photo ADD COLUMN first_failed_at timestamptz;
ALTER TABLE photo ADD COLUMN retry_count     integer NOT NULL DEFAULT 0;
CREATE INDEX photo_next_retry_idx ON photo (next_retry_at) WHERE next_retry_at IS NOT NULL;
CREATE INDEX photo_requested_idx ON photo (requested_at) WHERE requested_at IS NOT NULL;

-- Twins: the photo whose identity this content joined, and the content that photo is rendered from
-- (the better original of the group: more pixels, on a tie the earlier).
ALTER TABLE photo ADD COLUMN twin_of         uuid REFERENCES photo (id);
ALTER TABLE photo ADD COLUMN rendered_sha256 text;
-- Set when an operator split this content off a photo: it is never matched as a twin again.
ALTER TABLE photo ADD COLUMN never_twin      boolean NOT NULL DEFAULT false;
CREATE INDEX photo_twin_of_idx ON photo (twin_of) WHERE twin_of IS NOT NULL;

-- Twin look-up at a million photos: the 64-bit perceptual hash as a number, split into four 16-bit
-- bands, each indexed. Two hashes within Hamming distance 3 share at least one band (pigeonhole), so
-- "any band equal" finds every candidate; the exact distance is then checked on the few candidates.
-- With a capture time, the time window (±2 s, indexed) finds the candidates instead.
ALTER TABLE photo ADD COLUMN phash bigint;
UPDATE photo SET phash = ('x' || perceptual_hash)::bit(64)::bigint WHERE perceptual_hash ~ '^[0-9a-f]{16}$';
CREATE INDEX photo_phash_b0_idx ON photo (((phash >> 48) & 65535)) WHERE phash IS NOT NULL;
CREATE INDEX photo_phash_b1_idx ON photo (((phash >> 32) & 65535)) WHERE phash IS NOT NULL;
CREATE INDEX photo_phash_b2_idx ON photo (((phash >> 16) & 65535)) WHERE phash IS NOT NULL;
CREATE INDEX photo_phash_b3_idx ON photo ((phash & 65535)) WHERE phash IS NOT NULL;
CREATE INDEX photo_captured_idx ON photo (captured_at) WHERE captured_at IS NOT NULL;

-- The device token a file came through (REST or WebDAV), null for folders and the shared token.
ALTER TABLE origin ADD COLUMN device_id text;
CREATE INDEX origin_source_idx ON origin (source_id, photo_id);
CREATE INDEX origin_device_idx ON origin (device_id, photo_id) WHERE device_id IS NOT NULL;

-- Files a source found and deliberately did not take (live-photo videos, sidecars, videos, ...).
CREATE TABLE skipped_file (
    source_id  text        NOT NULL,
    path       text        NOT NULL,
    name       text,
    size       bigint      NOT NULL,
    reason     text        NOT NULL,
    skipped_at timestamptz NOT NULL,
    PRIMARY KEY (source_id, path)
);
CREATE INDEX skipped_file_reason_idx ON skipped_file (source_id, reason);

-- Objects to delete from S3 (renditions of a deleted photo, an original nobody refers to), written in
-- the transaction that decided it and worked off by ObjectDeletions (never "delete, then hope").
CREATE TABLE object_deletion (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bucket          text        NOT NULL,
    object_key      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    done_at         timestamptz,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz
);
CREATE INDEX object_deletion_due_idx ON object_deletion (id) WHERE done_at IS NULL;

-- Per-source counts for GET /api/v1/stats ("discovered", "new", "duplicate", "twin", "retired").
CREATE TABLE source_count (
    source_id text   NOT NULL,
    stage     text   NOT NULL,
    count     bigint NOT NULL,
    PRIMARY KEY (source_id, stage)
);
