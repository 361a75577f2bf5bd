-- A file edited in place (a photo tool rewriting its EXIF) arrives as new content at a known path: the
-- photo that path held is retired only once the new content is made and is not the same shot (ProcessingResults).
ALTER TABLE photo ADD COLUMN replaces uuid REFERENCES photo (id);
