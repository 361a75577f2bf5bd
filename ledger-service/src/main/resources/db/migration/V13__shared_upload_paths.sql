-- Ingest now puts a path sent with the shared upload (or admin) token under "upload/", as a device's went
-- under the device's name already: before, a shared-token client sending "anna-phone/DCIM/IMG_1.JPG"
-- replaced that device's file. The origins recorded from such uploads follow, so that the same client
-- sending new bytes at its path again replaces the photo there rather than adding a second one.
-- They are the origins of upload sources without a device, except those of files sent without a path,
-- whose path (<sha256[0:12]>/<name>, from the photo's own bytes) ingest still writes as it did.
UPDATE origin o
SET path = 'upload/' || o.path
FROM photo p
WHERE p.id = o.photo_id
  AND o.source_id LIKE 'upload:%'
  AND o.device_id IS NULL
  AND NOT (starts_with(o.path, left(p.sha256, 12) || '/') AND strpos(substr(o.path, 14), '/') = 0)
  AND NOT EXISTS (SELECT 1 FROM origin x WHERE x.source_id = o.source_id AND x.path = 'upload/' || o.path);
