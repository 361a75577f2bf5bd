-- Ingest keeps WebDAV names in Unicode NFC from now on (its DavPath), and brought its namespace to NFC:
-- origins recorded from WebDAV under another form follow, so that a removal or move, which now names the
-- NFC path, finds them. Where two origins of one source have the same NFC path, both stay as they were
-- (ingest keeps both of those entries as they were too).
UPDATE origin o
SET path = normalize(o.path, NFC)
WHERE o.source_id LIKE 'dav:%' AND o.path IS NOT NFC NORMALIZED
  AND NOT EXISTS (SELECT 1 FROM origin x
                  WHERE x.source_id = o.source_id AND x.id <> o.id AND normalize(x.path, NFC) = normalize(o.path, NFC));

-- The same for files listed as skipped (not photos), so that their removal takes them off the list.
UPDATE skipped_file s
SET path = normalize(s.path, NFC)
WHERE s.source_id LIKE 'dav:%' AND s.path IS NOT NFC NORMALIZED
  AND NOT EXISTS (SELECT 1 FROM skipped_file x
                  WHERE x.source_id = s.source_id AND x.path <> s.path AND normalize(x.path, NFC) = normalize(s.path, NFC));
