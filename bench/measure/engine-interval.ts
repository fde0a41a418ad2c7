// The engine's own part of freshness (an order INSERTed → customer_stats includes it, read every
// 25 ms beside the database) at pg_trickle's default scheduler interval and at the one the
// bootstrap sets: what pg_trickle.scheduler_interval_ms buys. Orders about once a second at
// random moments; no generator running. The server's setting is put back as the bootstrap left it.
import { type DbConfig, withDb } from '../../db';
import { summary } from '../stats';
import { sleep } from './section';

const ORDERS_SQL = 'SELECT COALESCE(sum(order_count), 0)::bigint AS n FROM customer_stats';
/** pg_trickle's own default (its source), and what the bootstrap sets. */
export const INTERVALS_MS = [1000, 100] as const;

export interface EngineIntervalRun {
  intervalMs: number;
  ms: ReturnType<typeof summary>;
}

/**
 * Sets one of pg_trickle's whole-number settings on the server (ALTER SYSTEM and a reload, which
 * its scheduler rereads). `name` comes from this file's callers, never from input.
 */
export async function setEngineSetting(admin: DbConfig, name: string, value: number) {
  await withDb(admin, 'postgres', async (c) => {
    await c.query(`ALTER SYSTEM SET pg_trickle.${name} = ${Math.trunc(value)}`);
    await c.query('SELECT pg_reload_conf()');
  });
}

/** The server's value of one of pg_trickle's settings; undefined where the engine lacks it. */
export async function engineSetting(admin: DbConfig, name: string): Promise<number | undefined> {
  return withDb(admin, 'postgres', async (c) => {
    const [r] = await c.query('SELECT current_setting($1, true) AS v', [`pg_trickle.${name}`]);
    return r?.v === null || r?.v === undefined ? undefined : Number(r.v);
  });
}

const setSchedulerInterval = (admin: DbConfig, ms: number) =>
  setEngineSetting(admin, 'scheduler_interval_ms', ms);

async function engineMs(writer: DbConfig, reader: DbConfig, seconds: number): Promise<number[]> {
  return withDb(writer, 'ecommerce_demo', (w) =>
    withDb(reader, 'ecommerce_demo', async (r) => {
      const base = Number((await r.query(ORDERS_SQL))[0]?.n);
      const seen: [number, number][] = [];
      const stop = { done: false };
      const watching = (async () => {
        while (!stop.done) {
          seen.push([Date.now(), Number((await r.query(ORDERS_SQL))[0]?.n)]);
          await sleep(25);
        }
      })();
      const written: number[] = [];
      const end = Date.now() + seconds * 1000;
      for (let i = 1; Date.now() < end; i++) {
        written.push(Date.now());
        await w.query(
          'INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES ($1, $2, 1, 10)',
          [1 + (i % 30), 1 + (i % 15)],
        );
        await sleep(500 + Math.random() * 1000);
      }
      await sleep(8000);
      stop.done = true;
      await watching;
      return written.flatMap((t, i) => {
        const hit = seen.find(([, v]) => v >= base + i + 1);
        return hit ? [Math.max(0, hit[0] - t)] : [];
      });
    }),
  );
}

export async function measureEngineInterval(opts: {
  admin: DbConfig;
  writer: DbConfig;
  reader: DbConfig;
  seconds: number;
  log: (m: string) => void;
}): Promise<EngineIntervalRun[]> {
  const before = await engineSetting(opts.admin, 'scheduler_interval_ms');
  if (before === undefined) return [];
  const runs: EngineIntervalRun[] = [];
  try {
    for (const intervalMs of INTERVALS_MS) {
      await setSchedulerInterval(opts.admin, intervalMs);
      await sleep(5000);
      const ms = summary(await engineMs(opts.writer, opts.reader, opts.seconds));
      opts.log(`engine part at scheduler_interval_ms ${intervalMs}: p50 ${ms.p50} p95 ${ms.p95}`);
      runs.push({ intervalMs, ms });
    }
  } finally {
    await setSchedulerInterval(opts.admin, before);
  }
  return runs;
}
