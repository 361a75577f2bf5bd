-- WebDAV names are kept in Unicode NFC from now on (DavPath): a name made before in another form (macOS
-- sends "é" as "e" and a combining accent) is brought to NFC, so that requests, which are normalised now,
-- find it. Where two entries of one tree have the same NFC path (one made on a Mac, one from a phone),
-- both stay as they were, with what lies below them and the folders above them (so that no path and its
-- parent disagree); below such a folder, the rest of a path is brought to NFC.
WITH entry AS (
    SELECT id, principal, path, normalize(path, NFC) AS nfc FROM dav_entry
), clash AS (
    SELECT principal, nfc FROM entry GROUP BY principal, nfc HAVING count(*) > 1
), kept AS (
    SELECT e.id, e.principal, e.path FROM entry e
    WHERE EXISTS (SELECT 1 FROM clash c WHERE c.principal = e.principal
                  AND (e.nfc = c.nfc OR starts_with(e.nfc, c.nfc || '/') OR starts_with(c.nfc, e.nfc || '/')))
), renamed AS (
    SELECT e.id, coalesce(
            (SELECT k.path || normalize(substr(e.path, length(k.path) + 1), NFC) FROM kept k
             WHERE k.principal = e.principal AND starts_with(e.path, k.path || '/')
             ORDER BY length(k.path) DESC LIMIT 1),
            e.nfc) AS path
    FROM entry e
    WHERE NOT EXISTS (SELECT 1 FROM kept k WHERE k.id = e.id)
)
UPDATE dav_entry d
SET path = r.path, parent = regexp_replace(r.path, '/[^/]*$', '')
FROM renamed r
WHERE d.id = r.id AND d.path <> r.path;

-- WebDAV events still waiting in the outbox (Kafka was away at the upgrade) name their paths as they were:
-- the ledger brings its WebDAV origins to NFC as well, so these follow, or their removal or move would find
-- nothing there.
UPDATE file_event_outbox
SET event = jsonb_set(CAST(event AS jsonb), '{path}', to_jsonb(normalize(CAST(event AS jsonb) ->> 'path', NFC)))::text
WHERE CAST(event AS jsonb) ->> 'sourceId' LIKE 'dav:%' AND CAST(event AS jsonb) ->> 'path' IS NOT NFC NORMALIZED;
UPDATE file_event_outbox
SET event = jsonb_set(CAST(event AS jsonb), '{toPath}', to_jsonb(normalize(CAST(event AS jsonb) ->> 'toPath', NFC)))::text
WHERE CAST(event AS jsonb) ->> 'sourceId' LIKE 'dav:%' AND CAST(event AS jsonb) ->> 'toPath' IS NOT NFC NORMALIZED;
