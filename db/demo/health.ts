// What /healthz reads of one scenario's database, in one statement: how long ago the generator
// ticked (demo_meta), and what pg_trickle says of its tables (pgt_status(), called once): the
// stalest, the longest a scheduled one has gone without a scheduler visit, and those not ACTIVE.
import type { Db } from '../client';
import { unqualify } from '../pgtrickle/status';
import { numOrNull } from '../values';

export interface HealthFacts {
  /** Seconds since the generator's last tick; null: it never ticked. */
  tickAgeS: number | null;
  /** The largest staleness of a scheduled stream table, seconds. */
  maxStalenessS: number | null;
  /** The longest a scheduled stream table has gone since its last refresh, seconds. */
  schedulerLagS: number | null;
  /** Stream tables whose status is not ACTIVE, unqualified, by name. */
  unhealthy: string[];
}

export async function readHealth(db: Db): Promise<HealthFacts> {
  const [row] = await db.query(
    `WITH status AS (SELECT name, schedule, staleness, status FROM pgtrickle.pgt_status())
     SELECT (SELECT extract(epoch FROM now() - last_tick_at) FROM demo_meta.generator_state) AS tick_age,
            (SELECT max(extract(epoch FROM staleness)) FROM status WHERE schedule IS NOT NULL) AS staleness,
            (SELECT max(extract(epoch FROM now() - last_refresh_at)) FROM pgtrickle.pgt_stream_tables WHERE schedule IS NOT NULL) AS lag,
            (SELECT array_agg(name ORDER BY name) FROM status WHERE status <> 'ACTIVE') AS unhealthy`,
  );
  return {
    tickAgeS: numOrNull(row?.tick_age),
    maxStalenessS: numOrNull(row?.staleness),
    schedulerLagS: numOrNull(row?.lag),
    unhealthy: ((row?.unhealthy as string[] | null) ?? []).map(unqualify),
  };
}
