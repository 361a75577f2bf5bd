-- The admin's search by a part of a file name (ILIKE '%...%') finds a rare name through a trigram index of the
-- origins' names instead of walking every photo (4 s at a million photos). pg_trgm is a trusted extension since
-- PostgreSQL 13: the database's owner may create it. Where the ledger's role may not, or the server lacks the
-- contrib modules, the search still works, walking the photos, and the migration says why in a warning. A pg_trgm
-- installed already in a schema of its own (a managed server's "extensions") is used where it is. Building the
-- index over a million origins took about 20 s on a busy 2-core machine.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
    RAISE WARNING 'pg_trgm is not available (%): the admin''s search by file name walks every photo', SQLERRM;
END $$;

DO $$
DECLARE
    home name;
BEGIN
    SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF home IS NOT NULL THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS origin_name_trgm_idx ON origin USING gin (name %I.gin_trgm_ops)', home);
    END IF;
EXCEPTION WHEN insufficient_privilege OR undefined_object THEN
    RAISE WARNING 'no trigram index of file names (%): the admin''s search by file name walks every photo', SQLERRM;
END $$;
