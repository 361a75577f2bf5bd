package io.imgboard.ingest.service;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one scan (or simulation) of a folder source found and did.
 *
 * @param discovered files found that pass the ignore rules and globs
 * @param fresh      images stored for the first time ({@code new}); in a simulation: images no one has yet
 * @param duplicate  images whose bytes were stored before (another path, source or device)
 * @param skipped    files that are deliberately not photos, by reason
 * @param failed     files that could not be read, stored or announced (tried again next scan)
 * @param pending    files waiting for their stability window (or for the next scan)
 * @param removed    files gone since the last scan, announced as removed
 * @param archived   files moved to the archive after import
 * @param deleted    files deleted after import
 * @param hashed     files whose bytes were read in this scan
 * @param held       true when the source was held (a lock file at its root) and nothing was taken
 * @param errors     sentences for a person: a missing folder, an unreadable subfolder, a symlink loop, ...
 */
public record ScanReport(String source, boolean simulated, Instant startedAt, long millis, int discovered,
                         @JsonProperty("new") int fresh, int duplicate, Map<String, Integer> skipped, int failed,
                         int pending, int removed, int archived, int deleted, int hashed, boolean held,
                         List<String> errors) {
}
