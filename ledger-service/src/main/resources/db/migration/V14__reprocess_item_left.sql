-- A photo that leaves a reprocess job before it is rendered again (deleted by an operator, or now a twin
-- of another) is neither done nor failed: its item ends as 'left' and the job's total no longer counts it.
ALTER TABLE reprocess_item DROP CONSTRAINT reprocess_item_state_check;
ALTER TABLE reprocess_item ADD CONSTRAINT reprocess_item_state_check
    CHECK (state IN ('waiting', 'done', 'failed', 'left'));
