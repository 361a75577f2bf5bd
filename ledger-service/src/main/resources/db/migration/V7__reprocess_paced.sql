-- A reprocess job asks for its photos a few at a time (imgboard.ledger.processing.reprocess-in-flight),
-- so new photos never queue behind the whole library on the process-requests topic. An item is asked
-- for when requested_at is set. Items of a job running during the upgrade were all asked for already.
ALTER TABLE reprocess_item ADD COLUMN requested_at timestamptz;
UPDATE reprocess_item SET requested_at = updated_at WHERE state = 'waiting';
CREATE INDEX reprocess_item_unrequested_idx ON reprocess_item (job_id, photo_id)
    WHERE state = 'waiting' AND requested_at IS NULL;
-- Counted with every result of the job: without it the count reads every item of the job each time.
CREATE INDEX reprocess_item_in_flight_idx ON reprocess_item (job_id)
    WHERE state = 'waiting' AND requested_at IS NOT NULL;
