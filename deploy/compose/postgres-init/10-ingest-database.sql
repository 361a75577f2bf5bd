-- Run once, by the postgres image's entrypoint, when the data volume is new. POSTGRES_DB made the
-- ledger's database; ingest keeps its own (services never share a database).
CREATE DATABASE ingest OWNER imgboard;
