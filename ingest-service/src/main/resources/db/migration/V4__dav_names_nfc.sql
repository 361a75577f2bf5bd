-- WebDAV names are kept in Unicode NFC from now on (DavPath): a name made before in another form (macOS
-- sends "é" as "e" and a combining accent) is brought to NFC, so that requests, which are normalised now,
-- find it. A name whose NFC form another entry of the same tree already has is left as it was.
UPDATE dav_entry e
SET path = normalize(e.path, NFC), parent = normalize(e.parent, NFC)
WHERE (e.path IS NOT NFC NORMALIZED OR e.parent IS NOT NFC NORMALIZED)
  AND NOT EXISTS (SELECT 1 FROM dav_entry o
                  WHERE o.principal = e.principal AND o.id <> e.id AND o.path = normalize(e.path, NFC));
