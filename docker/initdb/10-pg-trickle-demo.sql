-- Runs once, when the data volume is created (the settings apply from the next start, which the
-- image's entrypoint does right after these scripts).
--
-- A long-running demo must bound pg_trickle's refresh history: pg_trickle keeps 90 days by
-- default, ~86,000 rows a day per 1 s table. Keep one day; the generator also prunes history
-- older than two hours (HISTORY_RETENTION_MINUTES) in small batches.
ALTER SYSTEM SET pg_trickle.history_retention_days = 1;

-- Three databases with the extension: the launcher plus one scheduler per database, with room
-- for autovacuum and parallel query. The image's default (32) is kept explicit here.
ALTER SYSTEM SET max_worker_processes = 32;
