-- The relay sends a key's rows in order: a row is due only when no older row of its topic and key is
-- unsent (OutboxRepository.lockDue). This index answers that look-up.
CREATE INDEX outbox_unsent_key_idx ON outbox (topic, message_key, id) WHERE sent_at IS NULL;
