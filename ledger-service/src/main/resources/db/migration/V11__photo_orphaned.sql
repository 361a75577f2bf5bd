-- When a photo's own last file was removed with onDelete: retire while a twin's files kept it on the
-- frames: splitting that twin off then leaves it with no file, and it is retired as the removal would
-- have retired it (Retirements.ownFilesGone, PhotoCommands.split). Null: it has files of its own, or
-- its last one went with onDelete: keep.
ALTER TABLE photo ADD COLUMN orphaned_at timestamptz;
