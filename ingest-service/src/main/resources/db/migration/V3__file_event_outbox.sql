-- File events whose cause is already committed here (a WebDAV DELETE or MOVE changed the namespace),
-- written in the same transaction and relayed to imgboard.files until Kafka acknowledges them
-- (FileEventOutbox, OutboxRelay). A row is deleted once the broker took it.
CREATE TABLE file_event_outbox (
    id          BIGSERIAL     PRIMARY KEY,
    event_key   VARCHAR(4200) NOT NULL,
    event       TEXT          NOT NULL,
    created_at  TIMESTAMPTZ   NOT NULL,
    attempts    INT           NOT NULL DEFAULT 0,
    last_error  VARCHAR(1000)
);
