-- pg_trickle compatibility mode: a small, honest stand-in for the subset of pg_trickle's SQL API
-- this demo calls, for PostgreSQL servers without the extension (tests, the no-Docker local run).
-- Same schema (`pgtrickle`), function names, argument names, output columns and types as the
-- newest pg_trickle release, 0.108.3 (see db/pgtrickle/api.ts), so what the dashboard is built
-- against here is what it meets there. Deliberately simple:
--   * every refresh is a FULL recomputation (never DIFFERENTIAL), recorded in
--     pgt_refresh_history as action FULL with effective_refresh_mode FULL, real times and
--     duration_ms, and rows_inserted/rows_updated/rows_deleted counted from the actual
--     difference between old and new contents;
--   * EXECUTE grants mirror 0.108.3's (refresh_efficiency is revoked from PUBLIC), so a missing
--     grant for the dashboard's role shows up here too;
--   * dependencies come from PostgreSQL's own view dependency tracking of the defining query;
--   * there is no background worker: pgtrickle_compat.refresh_due() (outside `pgtrickle`)
--     refreshes what is due, in topological order; the generator calls it on each tick.
-- Idempotent: safe to run again. Never installed where the real extension is available.

-- Layout 2 lays the catalog out as 0.108.3 does (column order, nullability, CHECKs, foreign
-- keys). A catalog laid out before it is rebuilt: its stream tables hold only rows derived from
-- the base tables, so they go with it, and the bootstrap creates them again from the scenario's
-- definitions. Base tables and the demo's own schema are untouched.
DO $$
DECLARE st record; laid_out integer;
BEGIN
  IF to_regclass('pgtrickle_compat.installed') IS NULL THEN RETURN; END IF;
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'pgtrickle_compat.installed'::regclass
             AND attname = 'layout' AND NOT attisdropped) THEN
    EXECUTE 'SELECT max(layout) FROM pgtrickle_compat.installed' INTO laid_out;
  END IF;
  IF coalesce(laid_out, 1) < 2 THEN
    RAISE NOTICE 'compatibility mode: rebuilding a catalog of an older layout; its stream tables are created again';
    FOR st IN SELECT pgt_schema, pgt_name FROM pgtrickle.pgt_stream_tables LOOP
      EXECUTE format('DROP TABLE IF EXISTS %I.%I CASCADE', st.pgt_schema, st.pgt_name);
    END LOOP;
    DROP SCHEMA pgtrickle CASCADE;
    DROP SCHEMA pgtrickle_compat CASCADE;
  END IF;
END $$;

CREATE SCHEMA IF NOT EXISTS pgtrickle;
CREATE SCHEMA IF NOT EXISTS pgtrickle_compat;

CREATE TABLE IF NOT EXISTS pgtrickle_compat.installed (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version text NOT NULL,
  layout integer NOT NULL,
  installed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO pgtrickle_compat.installed (version, layout) VALUES ('0.108.3-compat', 2)
ON CONFLICT (singleton) DO UPDATE SET version = excluded.version, layout = excluded.layout;

-- The catalog tables, as 0.108.3's install script defines them, keeping only the columns this
-- stand-in fills, in their order there, with the same types, nullability, defaults, CHECKs and
-- foreign keys (db/pgtrickle/api.ts, CATALOG_CONTRACT; the contract test compares them).
CREATE TABLE IF NOT EXISTS pgtrickle.pgt_stream_tables (
  pgt_id bigserial PRIMARY KEY,
  pgt_relid oid NOT NULL UNIQUE,
  pgt_name text NOT NULL,
  pgt_schema text NOT NULL,
  defining_query text NOT NULL,
  original_query text,                 -- NULL unless the engine rewrote the query (never here)
  schedule text,                       -- NULL = calculated
  refresh_mode text NOT NULL DEFAULT 'DIFFERENTIAL'     -- resolved, never AUTO
    CHECK (refresh_mode IN ('FULL', 'DIFFERENTIAL', 'IMMEDIATE')),
  requested_refresh_mode text NOT NULL DEFAULT 'DIFFERENTIAL'  -- as asked, AUTO included
    CHECK (requested_refresh_mode IN ('AUTO', 'FULL', 'DIFFERENTIAL', 'IMMEDIATE')),
  status text NOT NULL DEFAULT 'INITIALIZING'
    CHECK (status IN ('INITIALIZING', 'ACTIVE', 'SUSPENDED', 'ERROR')),
  is_populated boolean NOT NULL DEFAULT false,
  data_timestamp timestamptz,
  last_refresh_at timestamptz,
  consecutive_errors integer NOT NULL DEFAULT 0,
  last_full_ms double precision,
  topk_limit integer,
  effective_refresh_mode text,         -- what the latest refresh did
  refresh_reason text,
  refresh_reason_detail text,
  UNIQUE (pgt_schema, pgt_name)
);

CREATE TABLE IF NOT EXISTS pgtrickle.pgt_dependencies (
  pgt_id bigint NOT NULL REFERENCES pgtrickle.pgt_stream_tables (pgt_id) ON DELETE CASCADE,
  source_relid oid NOT NULL,
  source_type text NOT NULL
    CHECK (source_type IN ('TABLE', 'STREAM_TABLE', 'VIEW', 'MATVIEW', 'FOREIGN_TABLE')),
  PRIMARY KEY (pgt_id, source_relid)
);

CREATE TABLE IF NOT EXISTS pgtrickle.pgt_refresh_history (
  refresh_id bigserial PRIMARY KEY,
  pgt_id bigint NOT NULL REFERENCES pgtrickle.pgt_stream_tables (pgt_id) ON DELETE CASCADE,
  data_timestamp timestamptz NOT NULL,
  start_time timestamptz NOT NULL,
  end_time timestamptz,
  action text NOT NULL                 -- compatibility mode writes NO_DATA and FULL only
    CHECK (action IN ('NO_DATA', 'FULL', 'DIFFERENTIAL', 'REINITIALIZE', 'SKIP')),
  rows_inserted bigint DEFAULT 0,
  rows_updated bigint NOT NULL DEFAULT 0,
  rows_deleted bigint DEFAULT 0,
  delta_row_count bigint DEFAULT 0,
  merge_strategy_used text,
  was_full_fallback boolean NOT NULL DEFAULT false,
  refresh_reason text,
  refresh_reason_detail text,
  error_message text,
  status text NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED', 'SKIPPED')),
  initiated_by text CHECK (initiated_by IN ('SCHEDULER', 'MANUAL', 'INITIAL', 'SELF_MONITOR',
    'SCHEDULER_FUSED', 'EXTERNAL_GRAPH')),
  duration_ms double precision
);
CREATE INDEX IF NOT EXISTS pgt_refresh_history_start ON pgtrickle.pgt_refresh_history (start_time);
CREATE INDEX IF NOT EXISTS pgt_refresh_history_pgt ON pgtrickle.pgt_refresh_history (pgt_id, start_time);
-- Functions that define security are executed only by those granted.
REVOKE ALL ON SCHEMA pgtrickle_compat FROM PUBLIC;

-- Change tracking: every source (base table or stream table) gets a version, bumped by a
-- statement trigger on base tables and by a refresh that changed a stream table. A stream table
-- has pending changes when one of its sources has a version newer than the one it last saw.
CREATE SEQUENCE IF NOT EXISTS pgtrickle_compat.version_seq;
CREATE TABLE IF NOT EXISTS pgtrickle_compat.source_versions (
  relid oid PRIMARY KEY,
  version bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS pgtrickle_compat.st_state (
  pgt_id bigint PRIMARY KEY REFERENCES pgtrickle.pgt_stream_tables (pgt_id) ON DELETE CASCADE,
  view_name text NOT NULL,             -- pgtrickle_compat.<view>: the defining query
  seen_version bigint NOT NULL DEFAULT 0,
  row_count bigint NOT NULL DEFAULT 0
);

-- SECURITY DEFINER: the generator's role writes base tables but may not touch this bookkeeping.
CREATE OR REPLACE FUNCTION pgtrickle_compat.note_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO pgtrickle_compat.source_versions (relid, version)
  VALUES (TG_RELID, nextval('pgtrickle_compat.version_seq'))
  ON CONFLICT (relid) DO UPDATE SET version = excluded.version;
  RETURN NULL;
END $$;

-- 'calculated' -> NULL; '1s', '5m', '1h30m' -> validated and kept as given.
CREATE OR REPLACE FUNCTION pgtrickle_compat.parse_schedule(schedule text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF schedule IS NULL OR lower(schedule) = 'calculated' THEN RETURN NULL; END IF;
  IF schedule !~ '^([0-9]+h)?([0-9]+m)?([0-9]+s)?$' OR schedule = '' THEN
    RAISE EXCEPTION 'invalid schedule "%": compatibility mode accepts a duration (1s, 5m, 1h30m) or ''calculated''', schedule
      USING ERRCODE = '22023';
  END IF;
  IF pgtrickle_compat.schedule_interval(schedule) < interval '1 second' THEN
    RAISE EXCEPTION 'schedule "%" is below the minimum of 1s', schedule USING ERRCODE = '22023';
  END IF;
  RETURN schedule;
END $$;

CREATE OR REPLACE FUNCTION pgtrickle_compat.schedule_interval(schedule text) RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
  SELECT make_interval(
    hours => coalesce(substring(schedule from '([0-9]+)h')::int, 0),
    mins => coalesce(substring(schedule from '([0-9]+)m')::int, 0),
    secs => coalesce(substring(schedule from '([0-9]+)s')::int, 0))
$$;

-- 'name' or 'schema.name' -> (schema, name), as pg_trickle resolves it (current_schema()).
CREATE OR REPLACE FUNCTION pgtrickle_compat.split_name(name text, OUT nsp text, OUT rel text)
LANGUAGE plpgsql STABLE AS $$
DECLARE parts text[] := parse_ident(name);
BEGIN
  IF array_length(parts, 1) = 2 THEN nsp := parts[1]; rel := parts[2];
  ELSIF array_length(parts, 1) = 1 THEN nsp := current_schema(); rel := parts[1];
  ELSE RAISE EXCEPTION 'invalid stream table name "%"', name USING ERRCODE = '42602';
  END IF;
END $$;

CREATE OR REPLACE FUNCTION pgtrickle_compat.find(name text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE n record; id bigint;
BEGIN
  SELECT * INTO n FROM pgtrickle_compat.split_name(name);
  SELECT pgt_id INTO id FROM pgtrickle.pgt_stream_tables WHERE pgt_schema = n.nsp AND pgt_name = n.rel;
  IF id IS NULL THEN
    RAISE EXCEPTION 'stream table "%" does not exist', name USING ERRCODE = '42P01';
  END IF;
  RETURN id;
END $$;

-- One full refresh of one stream table. Records history; returns the history row's action.
-- Rows are counted from the difference between old and new contents. There is no row identity
-- here, so a row counts as updated when its first column (the key of every table in this demo)
-- is unique in the new contents and appears among both the removed and the added rows;
-- otherwise a changed row counts as one deleted and one inserted.
CREATE OR REPLACE FUNCTION pgtrickle_compat.refresh_one(p_pgt_id bigint, p_initiated_by text,
  p_now timestamptz DEFAULT clock_timestamp())
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  st pgtrickle.pgt_stream_tables;
  view_name text;
  key_col text;
  key_unique boolean;
  src_version bigint;
  t0 timestamptz := clock_timestamp();
  n_deleted bigint;
  n_inserted bigint;
  n_updated bigint := 0;
  n_rows bigint;
  ms double precision;
  target text;
  first_refresh boolean;
BEGIN
  SELECT * INTO st FROM pgtrickle.pgt_stream_tables WHERE pgt_id = p_pgt_id;
  SELECT s.view_name INTO view_name FROM pgtrickle_compat.st_state s WHERE s.pgt_id = p_pgt_id;
  target := format('%I.%I', st.pgt_schema, st.pgt_name);
  first_refresh := NOT st.is_populated;
  SELECT coalesce(max(v.version), 0) INTO src_version
  FROM pgtrickle.pgt_dependencies d
  JOIN pgtrickle_compat.source_versions v ON v.relid = d.source_relid
  WHERE d.pgt_id = p_pgt_id;

  EXECUTE format('CREATE TEMP TABLE pgt_compat_new ON COMMIT DROP AS SELECT * FROM pgtrickle_compat.%I', view_name);
  EXECUTE format('CREATE TEMP TABLE pgt_compat_del ON COMMIT DROP AS SELECT * FROM %s EXCEPT ALL SELECT * FROM pgt_compat_new', target);
  EXECUTE format('CREATE TEMP TABLE pgt_compat_ins ON COMMIT DROP AS SELECT * FROM pgt_compat_new EXCEPT ALL SELECT * FROM %s', target);
  SELECT count(*) INTO n_deleted FROM pgt_compat_del;
  SELECT count(*) INTO n_inserted FROM pgt_compat_ins;
  SELECT count(*) INTO n_rows FROM pgt_compat_new;
  IF n_deleted > 0 AND n_inserted > 0 THEN
    SELECT quote_ident(attname) INTO key_col FROM pg_attribute
    WHERE attrelid = 'pgt_compat_new'::regclass AND attnum = 1;
    EXECUTE format('SELECT count(DISTINCT %s) = count(*) FROM pgt_compat_new', key_col) INTO key_unique;
    IF key_unique THEN
      EXECUTE format('SELECT count(*) FROM (SELECT DISTINCT %1$s AS k FROM pgt_compat_del) d
                      JOIN (SELECT DISTINCT %1$s AS k FROM pgt_compat_ins) i ON i.k = d.k', key_col)
        INTO n_updated;
    END IF;
  END IF;
  IF n_deleted > 0 OR n_inserted > 0 OR first_refresh THEN
    EXECUTE format('DELETE FROM %s', target);
    EXECUTE format('INSERT INTO %s SELECT * FROM pgt_compat_new', target);
  END IF;
  DROP TABLE pgt_compat_new, pgt_compat_del, pgt_compat_ins;

  IF n_deleted > 0 OR n_inserted > 0 THEN
    INSERT INTO pgtrickle_compat.source_versions (relid, version)
    VALUES (st.pgt_relid, nextval('pgtrickle_compat.version_seq'))
    ON CONFLICT (relid) DO UPDATE SET version = excluded.version;
  END IF;
  ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
  UPDATE pgtrickle_compat.st_state SET seen_version = src_version, row_count = n_rows
  WHERE pgt_id = p_pgt_id;
  UPDATE pgtrickle.pgt_stream_tables
  SET status = 'ACTIVE', is_populated = true, data_timestamp = p_now, last_refresh_at = p_now,
      consecutive_errors = 0, effective_refresh_mode = 'FULL', last_full_ms = ms,
      refresh_reason = CASE WHEN first_refresh THEN 'FIRST_REFRESH' END,
      refresh_reason_detail = CASE WHEN first_refresh THEN 'initial population'
        ELSE 'compatibility mode: every refresh is a full recomputation' END
  WHERE pgt_id = p_pgt_id;
  INSERT INTO pgtrickle.pgt_refresh_history (pgt_id, data_timestamp, start_time, end_time, action,
    rows_inserted, rows_updated, rows_deleted, delta_row_count, was_full_fallback, status,
    initiated_by, refresh_reason, refresh_reason_detail, duration_ms)
  -- start_time and end_time: when this table's refresh began and finished, on the wall clock (a
  -- call refreshes its tables one after another, each statement seeing what was committed before
  -- it ran, so the call's own start would claim changes it had not yet seen); a simulation on a
  -- clock of its own gets its clock and start + duration.
  VALUES (p_pgt_id, p_now,
    CASE WHEN abs(extract(epoch FROM clock_timestamp() - p_now)) < 60 THEN t0 ELSE p_now END,
    CASE WHEN abs(extract(epoch FROM clock_timestamp() - p_now)) < 60 THEN clock_timestamp()
         ELSE p_now + (clock_timestamp() - t0) END, 'FULL',
    n_inserted - n_updated, n_updated, n_deleted - n_updated, n_inserted + n_deleted, false,
    'COMPLETED', p_initiated_by,
    CASE WHEN first_refresh THEN 'FIRST_REFRESH' END,
    CASE WHEN first_refresh THEN 'initial population'
      ELSE 'compatibility mode: every refresh is a full recomputation' END,
    ms);
  RETURN 'FULL';
END $$;

-- Wraps refresh_one so that a failing query is recorded (FAILED, consecutive_errors) instead of
-- aborting the caller; three failures in a row suspend the table, as pg_trickle does.
CREATE OR REPLACE FUNCTION pgtrickle_compat.try_refresh(p_pgt_id bigint, p_initiated_by text,
  p_now timestamptz)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE msg text;
BEGIN
  RETURN pgtrickle_compat.refresh_one(p_pgt_id, p_initiated_by, p_now);
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
  UPDATE pgtrickle.pgt_stream_tables
  SET consecutive_errors = consecutive_errors + 1,
      status = CASE WHEN consecutive_errors + 1 >= 3 THEN 'SUSPENDED' ELSE 'ERROR' END
  WHERE pgt_id = p_pgt_id;
  INSERT INTO pgtrickle.pgt_refresh_history (pgt_id, data_timestamp, start_time, end_time, action,
    error_message, status, initiated_by, refresh_reason_detail)
  VALUES (p_pgt_id, p_now, p_now, clock_timestamp(), 'FULL', msg, 'FAILED', p_initiated_by,
    'compatibility mode: every refresh is a full recomputation');
  RETURN 'FAILED';
END $$;

-- Stream tables in topological order (sources first).
CREATE OR REPLACE VIEW pgtrickle_compat.topo_order AS
WITH RECURSIVE lvl AS (
  SELECT s.pgt_id, 1 AS depth FROM pgtrickle.pgt_stream_tables s
  UNION ALL
  SELECT d.pgt_id, lvl.depth + 1
  FROM lvl
  JOIN pgtrickle.pgt_stream_tables up ON up.pgt_id = lvl.pgt_id
  JOIN pgtrickle.pgt_dependencies d ON d.source_relid = up.pgt_relid
  WHERE lvl.depth < 100
)
SELECT pgt_id, max(depth) AS depth FROM lvl GROUP BY pgt_id;

-- Checks that none of 0.108.3's further options asks for what this stand-in cannot do.
CREATE OR REPLACE FUNCTION pgtrickle_compat.refuse_options(fn text, options jsonb)
RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE k text;
BEGIN
  FOR k IN SELECT key FROM jsonb_each(options) WHERE value <> 'null'::jsonb ORDER BY key LOOP
    RAISE EXCEPTION 'compatibility mode: %(%) is not supported here; it needs the pg_trickle extension', fn, k
      USING ERRCODE = '0A000';
  END LOOP;
END $$;

-- 0.108.3's signature: 19 parameters. The first five are honoured; the others are accepted at
-- their defaults and refused otherwise.
CREATE OR REPLACE FUNCTION pgtrickle.create_stream_table(name text, query text,
  schedule text DEFAULT 'calculated', refresh_mode text DEFAULT 'AUTO',
  initialize boolean DEFAULT true,
  diamond_consistency text DEFAULT NULL, diamond_schedule_policy text DEFAULT NULL,
  cdc_mode text DEFAULT NULL, append_only boolean DEFAULT false,
  pooler_compatibility_mode boolean DEFAULT false, partition_by text DEFAULT NULL,
  max_differential_joins integer DEFAULT NULL, max_delta_fraction double precision DEFAULT NULL,
  output_distribution_column text DEFAULT NULL, temporal boolean DEFAULT false,
  storage_backend text DEFAULT NULL, fillfactor integer DEFAULT NULL,
  target_freshness text DEFAULT NULL, orchestration_mode text DEFAULT 'MANAGED')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n record;
  mode text := upper(refresh_mode);
  sched text := pgtrickle_compat.parse_schedule(schedule);
  id bigint;
  vname text;
  view_oid oid;
  rel_oid oid;
  src record;
BEGIN
  PERFORM pgtrickle_compat.refuse_options('create_stream_table', jsonb_build_object(
    'diamond_consistency', diamond_consistency, 'diamond_schedule_policy', diamond_schedule_policy,
    'cdc_mode', cdc_mode, 'append_only', nullif(append_only, false),
    'pooler_compatibility_mode', nullif(pooler_compatibility_mode, false),
    'partition_by', partition_by, 'max_differential_joins', max_differential_joins,
    'max_delta_fraction', max_delta_fraction,
    'output_distribution_column', output_distribution_column,
    'temporal', nullif(temporal, false), 'storage_backend', storage_backend,
    'fillfactor', fillfactor, 'target_freshness', target_freshness,
    'orchestration_mode', nullif(upper(orchestration_mode), 'MANAGED')));
  IF mode NOT IN ('AUTO', 'DIFFERENTIAL', 'FULL', 'IMMEDIATE') THEN
    RAISE EXCEPTION 'invalid refresh_mode "%"', refresh_mode USING ERRCODE = '22023';
  END IF;
  -- AUTO is resolved once at creation (pg_trickle picks DIFFERENTIAL for supported queries);
  -- requested_refresh_mode keeps what was asked, refresh_mode the resolved mode.
  IF mode = 'AUTO' THEN mode := 'DIFFERENTIAL'; END IF;
  SELECT * INTO n FROM pgtrickle_compat.split_name(name);
  IF EXISTS (SELECT 1 FROM pgtrickle.pgt_stream_tables WHERE pgt_schema = n.nsp AND pgt_name = n.rel) THEN
    RAISE EXCEPTION 'stream table "%.%" already exists', n.nsp, n.rel USING ERRCODE = '42P07';
  END IF;

  -- original_query stays NULL: as in pg_trickle, it is kept only when the query was rewritten.
  INSERT INTO pgtrickle.pgt_stream_tables (pgt_relid, pgt_name, pgt_schema, defining_query,
    schedule, refresh_mode, requested_refresh_mode)
  VALUES (0, n.rel, n.nsp, query, sched, mode, upper(refresh_mode))
  RETURNING pgt_id INTO id;

  vname := 'st_' || id || '_' || left(n.rel, 40);
  EXECUTE format('CREATE VIEW pgtrickle_compat.%I AS %s', vname, query);
  view_oid := format('pgtrickle_compat.%I', vname)::regclass::oid;
  EXECUTE format('CREATE TABLE %I.%I AS SELECT * FROM pgtrickle_compat.%I WITH NO DATA', n.nsp, n.rel, vname);
  rel_oid := format('%I.%I', n.nsp, n.rel)::regclass::oid;
  UPDATE pgtrickle.pgt_stream_tables SET pgt_relid = rel_oid WHERE pgt_id = id;
  INSERT INTO pgtrickle_compat.st_state (pgt_id, view_name) VALUES (id, vname);

  -- Sources: the relations the defining view's rewrite rule depends on.
  FOR src IN
    SELECT DISTINCT dep.refobjid AS relid, c.relkind
    FROM pg_rewrite r
    JOIN pg_depend dep ON dep.classid = 'pg_rewrite'::regclass AND dep.objid = r.oid
      AND dep.refclassid = 'pg_class'::regclass
    JOIN pg_class c ON c.oid = dep.refobjid
    WHERE r.ev_class = view_oid AND dep.refobjid <> view_oid
  LOOP
    INSERT INTO pgtrickle.pgt_dependencies (pgt_id, source_relid, source_type)
    VALUES (id, src.relid, CASE
      WHEN EXISTS (SELECT 1 FROM pgtrickle.pgt_stream_tables s WHERE s.pgt_relid = src.relid) THEN 'STREAM_TABLE'
      WHEN src.relkind = 'v' THEN 'VIEW'
      WHEN src.relkind = 'm' THEN 'MATVIEW'
      WHEN src.relkind = 'f' THEN 'FOREIGN_TABLE'
      ELSE 'TABLE' END);
    IF src.relkind IN ('r', 'p')
       AND NOT EXISTS (SELECT 1 FROM pgtrickle.pgt_stream_tables s WHERE s.pgt_relid = src.relid)
       AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = src.relid AND t.tgname = 'pgt_compat_changes') THEN
      EXECUTE format('CREATE TRIGGER pgt_compat_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s '
        'FOR EACH STATEMENT EXECUTE FUNCTION pgtrickle_compat.note_change()', src.relid::regclass);
    END IF;
  END LOOP;

  IF initialize THEN
    PERFORM pgtrickle_compat.refresh_one(id, 'INITIAL');
  END IF;
END $$;

CREATE OR REPLACE FUNCTION pgtrickle.create_stream_table_if_not_exists(name text, query text,
  schedule text DEFAULT 'calculated', refresh_mode text DEFAULT 'AUTO',
  initialize boolean DEFAULT true,
  diamond_consistency text DEFAULT NULL, diamond_schedule_policy text DEFAULT NULL,
  cdc_mode text DEFAULT NULL, append_only boolean DEFAULT false,
  pooler_compatibility_mode boolean DEFAULT false, partition_by text DEFAULT NULL,
  max_differential_joins integer DEFAULT NULL, max_delta_fraction double precision DEFAULT NULL,
  output_distribution_column text DEFAULT NULL, temporal boolean DEFAULT false,
  storage_backend text DEFAULT NULL, fillfactor integer DEFAULT NULL,
  target_freshness text DEFAULT NULL, orchestration_mode text DEFAULT 'MANAGED')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE n record;
BEGIN
  SELECT * INTO n FROM pgtrickle_compat.split_name(name);
  IF NOT EXISTS (SELECT 1 FROM pgtrickle.pgt_stream_tables WHERE pgt_schema = n.nsp AND pgt_name = n.rel) THEN
    PERFORM pgtrickle.create_stream_table(name => name, query => query, schedule => schedule,
      refresh_mode => refresh_mode, initialize => initialize,
      diamond_consistency => diamond_consistency,
      diamond_schedule_policy => diamond_schedule_policy, cdc_mode => cdc_mode,
      append_only => append_only, pooler_compatibility_mode => pooler_compatibility_mode,
      partition_by => partition_by, max_differential_joins => max_differential_joins,
      max_delta_fraction => max_delta_fraction,
      output_distribution_column => output_distribution_column, temporal => temporal,
      storage_backend => storage_backend, fillfactor => fillfactor,
      target_freshness => target_freshness, orchestration_mode => orchestration_mode);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION pgtrickle.drop_stream_table(name text, "cascade" boolean DEFAULT false)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE id bigint := pgtrickle_compat.find(name); st pgtrickle.pgt_stream_tables; dep record; vname text;
BEGIN
  SELECT * INTO st FROM pgtrickle.pgt_stream_tables WHERE pgt_id = id;
  FOR dep IN SELECT s.pgt_schema, s.pgt_name FROM pgtrickle.pgt_dependencies d
             JOIN pgtrickle.pgt_stream_tables s ON s.pgt_id = d.pgt_id
             WHERE d.source_relid = st.pgt_relid LOOP
    IF NOT "cascade" THEN
      RAISE EXCEPTION 'stream table "%.%" depends on "%"', dep.pgt_schema, dep.pgt_name, name
        USING ERRCODE = '2BP01', HINT = 'use cascade => true';
    END IF;
    PERFORM pgtrickle.drop_stream_table(format('%I.%I', dep.pgt_schema, dep.pgt_name), true);
  END LOOP;
  SELECT view_name INTO vname FROM pgtrickle_compat.st_state WHERE pgt_id = id;
  EXECUTE format('DROP VIEW IF EXISTS pgtrickle_compat.%I', vname);
  EXECUTE format('DROP TABLE IF EXISTS %I.%I', st.pgt_schema, st.pgt_name);
  DELETE FROM pgtrickle_compat.source_versions WHERE relid = st.pgt_relid;
  DELETE FROM pgtrickle.pgt_refresh_history WHERE pgt_id = id;
  DELETE FROM pgtrickle.pgt_stream_tables WHERE pgt_id = id;
END $$;

-- 0.108.3's signature: 20 parameters, all but the name optional. Honoured here: schedule,
-- refresh_mode (AUTO resolves as at creation) and status (ACTIVE or SUSPENDED: resume or pause).
-- A new query would need the table rebuilt and its dependants with it: refused, as are the rest.
CREATE OR REPLACE FUNCTION pgtrickle.alter_stream_table(name text, query text DEFAULT NULL,
  schedule text DEFAULT NULL, refresh_mode text DEFAULT NULL, status text DEFAULT NULL,
  diamond_consistency text DEFAULT NULL, diamond_schedule_policy text DEFAULT NULL,
  cdc_mode text DEFAULT NULL, append_only boolean DEFAULT NULL,
  pooler_compatibility_mode boolean DEFAULT NULL, tier text DEFAULT NULL, fuse text DEFAULT NULL,
  fuse_ceiling bigint DEFAULT NULL, fuse_sensitivity integer DEFAULT NULL,
  partition_by text DEFAULT NULL, max_differential_joins integer DEFAULT NULL,
  max_delta_fraction double precision DEFAULT NULL, post_refresh_action text DEFAULT NULL,
  reindex_drift_threshold double precision DEFAULT NULL, target_freshness text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  id bigint := pgtrickle_compat.find(name);
  mode text := upper(refresh_mode);
  want text := upper(status);
BEGIN
  PERFORM pgtrickle_compat.refuse_options('alter_stream_table', jsonb_build_object(
    'query', query, 'diamond_consistency', diamond_consistency,
    'diamond_schedule_policy', diamond_schedule_policy, 'cdc_mode', cdc_mode,
    'append_only', append_only, 'pooler_compatibility_mode', pooler_compatibility_mode,
    'tier', tier, 'fuse', fuse, 'fuse_ceiling', fuse_ceiling, 'fuse_sensitivity', fuse_sensitivity,
    'partition_by', partition_by, 'max_differential_joins', max_differential_joins,
    'max_delta_fraction', max_delta_fraction, 'post_refresh_action', post_refresh_action,
    'reindex_drift_threshold', reindex_drift_threshold, 'target_freshness', target_freshness));
  IF mode IS NOT NULL AND mode NOT IN ('AUTO', 'DIFFERENTIAL', 'FULL', 'IMMEDIATE') THEN
    RAISE EXCEPTION 'invalid refresh_mode "%"', refresh_mode USING ERRCODE = '22023';
  END IF;
  IF want IS NOT NULL AND want NOT IN ('ACTIVE', 'SUSPENDED') THEN
    RAISE EXCEPTION 'invalid status "%": ACTIVE or SUSPENDED', status USING ERRCODE = '22023';
  END IF;
  UPDATE pgtrickle.pgt_stream_tables s SET
    schedule = CASE WHEN alter_stream_table.schedule IS NULL THEN s.schedule
                    ELSE pgtrickle_compat.parse_schedule(alter_stream_table.schedule) END,
    refresh_mode = CASE WHEN mode IS NULL THEN s.refresh_mode
                        WHEN mode = 'AUTO' THEN 'DIFFERENTIAL' ELSE mode END,
    requested_refresh_mode = coalesce(mode, s.requested_refresh_mode),
    status = coalesce(want, s.status),
    consecutive_errors = CASE WHEN want = 'ACTIVE' THEN 0 ELSE s.consecutive_errors END
  WHERE s.pgt_id = id;
END $$;

CREATE OR REPLACE FUNCTION pgtrickle.refresh_stream_table(name text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pgtrickle_compat.refresh_one(pgtrickle_compat.find(name), 'MANUAL');
END $$;

CREATE OR REPLACE FUNCTION pgtrickle.pgt_status()
RETURNS TABLE (name text, status text, refresh_mode text, is_populated boolean,
  consecutive_errors integer, schedule text, data_timestamp timestamptz, staleness interval,
  scc_id integer)
LANGUAGE sql STABLE AS $$
  SELECT s.pgt_schema || '.' || s.pgt_name, s.status, s.refresh_mode, s.is_populated,
         s.consecutive_errors, s.schedule, s.data_timestamp, now() - s.data_timestamp, NULL::integer
  FROM pgtrickle.pgt_stream_tables s ORDER BY s.pgt_schema, s.pgt_name
$$;

-- Rows in tree order, oriented as pg_trickle's: a root is a stream table that reads no other
-- stream table; under each stream table come the stream tables that read it (by name), then the
-- base tables it reads itself, as leaves marked [src]. A stream table read by two others (a
-- diamond) appears under each.
CREATE OR REPLACE FUNCTION pgtrickle_compat.tree_walk(p_node text, p_depth integer,
  p_connector text, p_continuation text)
RETURNS TABLE (tree_line text, node text, node_type text, depth integer, status text,
  refresh_mode text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  me pgtrickle.pgt_stream_tables;
  kids text[];
  n_st integer;
  inner_prefix text := p_continuation
    || CASE WHEN p_connector IN ('', '└── ') THEN '    ' ELSE '│   ' END;
  i integer;
  conn text;
BEGIN
  SELECT * INTO me FROM pgtrickle.pgt_stream_tables s WHERE s.pgt_schema || '.' || s.pgt_name = p_node;
  tree_line := p_continuation || p_connector || p_node; node := p_node;
  node_type := 'stream_table'; depth := p_depth; status := me.status; refresh_mode := me.refresh_mode;
  RETURN NEXT;
  SELECT array_agg(c.name ORDER BY c.name) INTO kids FROM (
    SELECT DISTINCT s.pgt_schema || '.' || s.pgt_name AS name
    FROM pgtrickle.pgt_dependencies d JOIN pgtrickle.pgt_stream_tables s ON s.pgt_id = d.pgt_id
    WHERE d.source_relid = me.pgt_relid) c;
  n_st := coalesce(array_length(kids, 1), 0);
  kids := coalesce(kids, '{}') || coalesce((
    SELECT array_agg(x.name ORDER BY x.name) FROM (
      SELECT c.relnamespace::regnamespace::text || '.' || c.relname AS name
      FROM pgtrickle.pgt_dependencies d JOIN pg_class c ON c.oid = d.source_relid
      WHERE d.pgt_id = me.pgt_id
        AND NOT EXISTS (SELECT 1 FROM pgtrickle.pgt_stream_tables s WHERE s.pgt_relid = d.source_relid)) x),
    '{}');
  FOR i IN 1 .. coalesce(array_length(kids, 1), 0) LOOP
    conn := CASE WHEN i = array_length(kids, 1) THEN '└── ' ELSE '├── ' END;
    IF i <= n_st THEN
      RETURN QUERY SELECT * FROM pgtrickle_compat.tree_walk(kids[i], p_depth + 1, conn, inner_prefix);
    ELSE
      tree_line := inner_prefix || conn || kids[i] || ' [src]'; node := kids[i];
      node_type := 'source_table'; depth := p_depth + 1; status := NULL; refresh_mode := NULL;
      RETURN NEXT;
    END IF;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION pgtrickle.dependency_tree()
RETURNS TABLE (tree_line text, node text, node_type text, depth integer, status text,
  refresh_mode text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  roots text[];
  i integer;
BEGIN
  SELECT array_agg(r.name ORDER BY r.name) INTO roots FROM (
    SELECT s.pgt_schema || '.' || s.pgt_name AS name FROM pgtrickle.pgt_stream_tables s
    WHERE NOT EXISTS (
      SELECT 1 FROM pgtrickle.pgt_dependencies d JOIN pgtrickle.pgt_stream_tables up
        ON up.pgt_relid = d.source_relid
      WHERE d.pgt_id = s.pgt_id)) r;
  FOR i IN 1 .. coalesce(array_length(roots, 1), 0) LOOP
    RETURN QUERY SELECT * FROM pgtrickle_compat.tree_walk(roots[i], 0,
      CASE WHEN array_length(roots, 1) = 1 THEN ''
           WHEN i = array_length(roots, 1) THEN '└── ' ELSE '├── ' END, '');
  END LOOP;
END $$;

-- Change ratio of a refresh: rows that differ (updated, plus the greater of inserted and
-- deleted) over the rows in the table after it.
CREATE OR REPLACE FUNCTION pgtrickle.refresh_efficiency()
RETURNS TABLE (pgt_schema text, pgt_name text, refresh_mode text, total_refreshes bigint,
  diff_count bigint, full_count bigint, avg_diff_ms double precision,
  avg_full_ms double precision, avg_change_ratio double precision, diff_speedup text,
  last_refresh_at text)
LANGUAGE sql STABLE AS $$
  SELECT s.pgt_schema, s.pgt_name, s.refresh_mode,
         count(h.refresh_id),
         count(h.refresh_id) FILTER (WHERE h.action = 'DIFFERENTIAL'),
         count(h.refresh_id) FILTER (WHERE h.action = 'FULL'),
         avg(h.duration_ms) FILTER (WHERE h.action = 'DIFFERENTIAL'),
         avg(h.duration_ms) FILTER (WHERE h.action = 'FULL'),
         avg((h.rows_updated + greatest(h.rows_inserted, h.rows_deleted))::double precision
             / greatest(st.row_count, 1)),
         NULL::text,
         s.last_refresh_at::text
  FROM pgtrickle.pgt_stream_tables s
  JOIN pgtrickle_compat.st_state st ON st.pgt_id = s.pgt_id
  LEFT JOIN pgtrickle.pgt_refresh_history h ON h.pgt_id = s.pgt_id AND h.status = 'COMPLETED'
    AND h.action IN ('FULL', 'DIFFERENTIAL') AND h.initiated_by <> 'INITIAL'
  GROUP BY s.pgt_id, s.pgt_schema, s.pgt_name, s.refresh_mode, s.last_refresh_at, st.row_count
  ORDER BY s.pgt_id
$$;

CREATE OR REPLACE FUNCTION pgtrickle.recommend_refresh_mode(st_name text DEFAULT NULL)
RETURNS TABLE (pgt_schema text, pgt_name text, current_mode text, effective_mode text,
  recommended_mode text, confidence text, reason text, signals jsonb)
LANGUAGE sql STABLE AS $$
  SELECT s.pgt_schema, s.pgt_name, s.refresh_mode,
         (SELECT h.action FROM pgtrickle.pgt_refresh_history h WHERE h.pgt_id = s.pgt_id
          AND h.status = 'COMPLETED' ORDER BY h.refresh_id DESC LIMIT 1),
         'KEEP', 'low',
         'compatibility mode: every refresh is a full recomputation; differential refresh and the advisor need the pg_trickle extension',
         jsonb_build_object('compatibility_mode', true,
           'avg_change_ratio', e.avg_change_ratio, 'full_count', e.full_count)
  FROM pgtrickle.pgt_stream_tables s
  JOIN pgtrickle.refresh_efficiency() e ON e.pgt_schema = s.pgt_schema AND e.pgt_name = s.pgt_name
  WHERE st_name IS NULL OR s.pgt_id = pgtrickle_compat.find(st_name)
  ORDER BY s.pgt_id
$$;

-- 0.108.3's commit_latency_stats(), in the mode it reports when commit timestamps are not tracked
-- ('refresh_duration'): percentiles of how long each table's refreshes took, from history. Here
-- those are the durations of the stand-in's own full recomputations, measured as they ran.
CREATE OR REPLACE FUNCTION pgtrickle.commit_latency_stats()
RETURNS TABLE (pgt_schema text, pgt_name text, samples bigint, min_ms double precision,
  p50_ms double precision, p95_ms double precision, max_ms double precision, tracking_mode text)
LANGUAGE sql STABLE AS $$
  SELECT s.pgt_schema, s.pgt_name, count(h.duration_ms), min(h.duration_ms),
         percentile_cont(0.5) WITHIN GROUP (ORDER BY h.duration_ms),
         percentile_cont(0.95) WITHIN GROUP (ORDER BY h.duration_ms),
         max(h.duration_ms), 'refresh_duration'
  FROM pgtrickle.pgt_stream_tables s
  LEFT JOIN pgtrickle.pgt_refresh_history h ON h.pgt_id = s.pgt_id AND h.status = 'COMPLETED'
    AND h.action <> 'NO_DATA' AND h.duration_ms IS NOT NULL
  GROUP BY s.pgt_id, s.pgt_schema, s.pgt_name
  ORDER BY s.pgt_schema, s.pgt_name
$$;

-- The scheduler's job, done on request: refresh every stream table that is due, sources first.
-- A fixed-schedule table is due when its interval has passed (NO_DATA if its sources did not
-- change, as pg_trickle records it); a calculated table when a source has pending changes.
-- Concurrent callers do not wait: the second one returns no rows.
-- SECURITY DEFINER: the scheduler's job, granted to the generator's role, which may not write
-- stream tables itself. Every name inside is schema-qualified.
CREATE OR REPLACE FUNCTION pgtrickle_compat.refresh_due(p_now timestamptz DEFAULT clock_timestamp())
RETURNS TABLE (pgt_name text, action text, rows_inserted bigint, rows_deleted bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r record;
  src_version bigint;
  act text;
BEGIN
  IF NOT pg_try_advisory_xact_lock(pg_catalog.hashtext('pgtrickle_compat.refresh_due')) THEN RETURN; END IF;
  FOR r IN
    SELECT s.*, st.seen_version FROM pgtrickle.pgt_stream_tables s
    JOIN pgtrickle_compat.st_state st ON st.pgt_id = s.pgt_id
    JOIN pgtrickle_compat.topo_order t ON t.pgt_id = s.pgt_id
    WHERE s.status <> 'SUSPENDED'
    ORDER BY t.depth, s.pgt_id
  LOOP
    SELECT coalesce(max(v.version), 0) INTO src_version
    FROM pgtrickle.pgt_dependencies d
    JOIN pgtrickle_compat.source_versions v ON v.relid = d.source_relid
    WHERE d.pgt_id = r.pgt_id;
    act := NULL;
    IF r.schedule IS NULL THEN
      IF src_version > r.seen_version OR NOT r.is_populated THEN
        act := pgtrickle_compat.try_refresh(r.pgt_id, 'SCHEDULER', p_now);
      END IF;
    -- 100 ms of slack: a caller ticking once a second must not miss every other 1s slot.
    ELSIF r.last_refresh_at IS NULL
       OR p_now - r.last_refresh_at >= pgtrickle_compat.schedule_interval(r.schedule) - interval '100 milliseconds' THEN
      IF src_version > r.seen_version OR NOT r.is_populated THEN
        act := pgtrickle_compat.try_refresh(r.pgt_id, 'SCHEDULER', p_now);
      ELSE
        UPDATE pgtrickle.pgt_stream_tables SET last_refresh_at = p_now,
          effective_refresh_mode = 'NO_DATA' WHERE pgt_id = r.pgt_id;
        INSERT INTO pgtrickle.pgt_refresh_history (pgt_id, data_timestamp, start_time, end_time,
          action, status, initiated_by, duration_ms)
        VALUES (r.pgt_id, r.data_timestamp, p_now, p_now, 'NO_DATA', 'COMPLETED', 'SCHEDULER', 0);
        act := 'NO_DATA';
      END IF;
    END IF;
    IF act IS NOT NULL THEN
      RETURN QUERY
        SELECT r.pgt_name, act, coalesce(h.rows_inserted, 0), coalesce(h.rows_deleted, 0)
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (SELECT hh.rows_inserted, hh.rows_deleted FROM pgtrickle.pgt_refresh_history hh
                           WHERE hh.pgt_id = r.pgt_id ORDER BY hh.refresh_id DESC LIMIT 1) h ON true;
    END IF;
  END LOOP;
END $$;

-- EXECUTE grants as pg_trickle 0.108.3 sets them: nothing for PUBLIC but the read and diagnostic
-- functions; refresh_efficiency is granted to nobody (the bootstrap grants it to the dashboard's
-- role); creating, dropping and refreshing need the owner.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA pgtrickle FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgtrickle.pgt_status(), pgtrickle.dependency_tree(),
  pgtrickle.recommend_refresh_mode(text), pgtrickle.commit_latency_stats() TO PUBLIC;

-- 0.108.3's three roles (NOLOGIN NOINHERIT, cluster-wide, created once), chained reader →
-- operator → admin: USAGE on the schema goes to them, not to PUBLIC (the bootstrap grants it to
-- the demo's own roles); refreshing is the operator's, creating, altering and dropping the admin's.
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['pgtrickle_reader', 'pgtrickle_operator', 'pgtrickle_admin'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- another database's bootstrap created it meanwhile
      END;
    END IF;
  END LOOP;
END $$;
REVOKE USAGE ON SCHEMA pgtrickle FROM PUBLIC;
GRANT USAGE ON SCHEMA pgtrickle TO pgtrickle_reader, pgtrickle_operator, pgtrickle_admin;
GRANT pgtrickle_reader TO pgtrickle_operator;
GRANT pgtrickle_operator TO pgtrickle_admin;
GRANT EXECUTE ON FUNCTION pgtrickle.refresh_stream_table(text) TO pgtrickle_operator;
GRANT EXECUTE ON FUNCTION
  pgtrickle.create_stream_table(text, text, text, text, boolean, text, text, text, boolean,
    boolean, text, integer, double precision, text, boolean, text, integer, text, text),
  pgtrickle.alter_stream_table(text, text, text, text, text, text, text, text, boolean, boolean,
    text, text, bigint, integer, text, integer, double precision, text, double precision, text),
  pgtrickle.drop_stream_table(text, boolean)
  TO pgtrickle_admin;
