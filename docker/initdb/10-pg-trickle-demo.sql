-- Runs once, when the data volume is created. A long-running demo must bound pg_trickle's
-- refresh history: keep one day (the generator also prunes what the dashboard no longer shows).
ALTER SYSTEM SET pg_trickle.history_retention_days = 1;
