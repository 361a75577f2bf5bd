-- The ops page lists the newest skipped files (SourceCountRepository.newestSkipped).
CREATE INDEX skipped_file_newest_idx ON skipped_file (skipped_at DESC);
