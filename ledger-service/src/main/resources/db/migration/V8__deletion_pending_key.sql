-- A rendition's waiting deletion is looked up by key when its photo is rendered again (ObjectDeletions.keepRenditions).
CREATE INDEX object_deletion_pending_key_idx ON object_deletion (object_key) WHERE done_at IS NULL;
