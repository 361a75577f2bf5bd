-- The admin's search by a part of a file name (ILIKE '%...%') finds a rare name through a trigram index of the
-- origins' names instead of walking every photo (4 s at a million photos). pg_trgm is a trusted extension since
-- PostgreSQL 13: the database's owner may create it. Where the ledger's role may not, or the server lacks the
-- contrib modules, the search still works, walking the photos, and the ledger says so here once.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
    RAISE WARNING 'pg_trgm is not available (%): the admin''s search by file name walks every photo', SQLERRM;
END $$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS origin_name_trgm_idx ON origin USING gin (name gin_trgm_ops);
    END IF;
END $$;
