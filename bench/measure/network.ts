// The demo as deployed: dashboards in 1 or 3 data centres (each a workerd of its own, with its own
// cache and isolate, all reading the first one's snapshot producers), the database 0 or 40 ms
// away (a proxy of ours delaying each direction by half of it, between the Workers and the
// database only), 1 or 200 visitors. For each condition: freshness as a visitor sees it (in
// Chromium, visitor-freshness.ts), and the database work the dashboards cause, counted as the
// statements their connections send through that proxy, with scheduler passes running. And per
// distance, how long one snapshot read takes over the producer's kept connection.

import type { DbConfig } from '../../db';
import { openDb } from '../../db';
import { detectEngine } from '../../db/pgtrickle/engine';
import type { Database } from '../../local/stack';
import { dbVars } from '../../local/stack';
import { devRegistry, startWrangler, type WranglerDev } from '../../local/wrangler';
import { LOOPBACK_HOSTS, startWsProxy } from '../../local/ws-proxy';
import { findScenario } from '../../scenarios';
import type { Scenario } from '../../scenarios/types';
import { type HeldRows, readSnapshot } from '../../worker/snapshot';
import { round, summary } from '../stats';
import { sleep } from './section';
import {
  measureVisitorFreshness,
  type VisitorFreshnessResult,
  visitorLine,
  visitorResult,
} from './visitor-freshness';

export const RTTS_MS = [0, 40] as const;
export const COLOS = [1, 3] as const;
export const VISITORS = [1, 200] as const;
export const LIMIT_MS = 3000; // a 1 s schedule + the page's 2 s poll
/**
 * Snapshot reads per condition, a pass apart as the producer makes them (about 1 s): 45 s, so
 * the slowly moving panels, read every 30 s, are in two of them, about their share in a producer.
 */
const SNAPSHOT_READS = 45;
const SNAPSHOT_EVERY_MS = 1000;

export type NetworkRun = VisitorFreshnessResult & {
  rttMs: number;
  colos: number;
  /** Statements the dashboards' connections sent per second during the run. */
  statementsPerSecond: number;
};

export interface SnapshotLatency {
  rttMs: number;
  /** Opening the producer's connection (TCP, WebSocket, startup, SCRAM): once per producer. */
  connectMs: number;
  ms: ReturnType<typeof summary>;
}

export interface NetworkResults {
  engine: string;
  seconds: number;
  runs: NetworkRun[];
  snapshots: SnapshotLatency[];
}

/** Dashboards for `colos` data centres on one dev registry: the first hosts the producers. */
export async function startColos(reader: DbConfig, colos: number): Promise<WranglerDev[]> {
  const registry = devRegistry();
  const vars = { ...dbVars(reader), RATE_LIMIT: 'off' };
  const first = await startWrangler({ vars, registry });
  const others = await Promise.all(
    Array.from({ length: colos - 1 }, () => startWrangler({ env: 'colo', vars, registry })),
  );
  return [first, ...others];
}

/**
 * One snapshot read after another over one kept connection, as the producer reads: the slowly
 * moving panels (readEverySeconds) read only when due, their rows held in between.
 */
async function snapshotLatency(
  reader: DbConfig,
  scenario: Scenario,
): Promise<{ connectMs: number; ms: number[] }> {
  const t0 = performance.now();
  const conn = await openDb(reader, scenario.database);
  const connectMs = performance.now() - t0;
  try {
    const engine = await detectEngine(conn.db);
    const held: HeldRows = new Map();
    const ms: number[] = [];
    for (let i = 0; i < SNAPSHOT_READS; i++) {
      const t = performance.now();
      await readSnapshot(conn.db, scenario, engine, held);
      ms.push(performance.now() - t);
      await sleep(Math.max(0, SNAPSHOT_EVERY_MS - (performance.now() - t)));
    }
    return { connectMs, ms };
  } finally {
    await conn.close();
  }
}

/**
 * The Workers' way to the database `cfg` names: our proxy, `rttMs` away (half each way) and
 * counting statements, and `reader` set to go through it.
 */
export async function atDistance(cfg: DbConfig, reader: DbConfig, rttMs: number) {
  const target = new URL(cfg.DATABASE_URL).hostname.replace(/^\[|\]$/g, '');
  const proxy = await startWsProxy({ allow: [...LOOPBACK_HOSTS, target], delayMs: rttMs / 2 });
  return { proxy, reader: { ...reader, DB_WS_PROXY: proxy.url } };
}

export async function measureNetwork(opts: {
  db: Database;
  roles: { reader: DbConfig; writer: DbConfig };
  engine: string;
  seconds: number;
  log: (m: string) => void;
}): Promise<NetworkResults> {
  const scenario = findScenario('ecommerce') as Scenario;
  const runs: NetworkRun[] = [];
  const snapshots: SnapshotLatency[] = [];
  for (const rttMs of RTTS_MS) {
    // The Workers' way to the database: this far, and counted.
    const { proxy, reader } = await atDistance(opts.db.cfg, opts.roles.reader, rttMs);
    try {
      const { connectMs, ms } = await snapshotLatency(reader, scenario);
      snapshots.push({
        rttMs,
        connectMs: round(connectMs, 0),
        ms: summary(ms.map((x) => round(x, 1))),
      });
      opts.log(`snapshot read at ${rttMs} ms round trip: p50 ${round(summary(ms).p50)} ms`);
      for (const colos of COLOS) {
        const dashboards = await startColos(reader, colos);
        try {
          for (const visitors of VISITORS) {
            opts.log(`network: ${rttMs} ms, ${colos} data centre(s), ${visitors} visitor(s)`);
            const before = proxy.statements();
            const t0 = Date.now();
            const r = visitorResult(
              await measureVisitorFreshness({
                dashboardUrl: (dashboards[0] as WranglerDev).url,
                otherUrls: dashboards.map((d) => d.url),
                // The bench's own reads and writes stand for the engine and the event source:
                // beside the database, not through the Workers' proxy.
                writerCfg: opts.roles.writer,
                readerCfg: opts.roles.reader,
                visitors,
                seconds: opts.seconds,
              }),
              LIMIT_MS,
            );
            const statementsPerSecond = round(
              (proxy.statements() - before) / ((Date.now() - t0) / 1000),
              2,
            );
            runs.push({ ...r, rttMs, colos, statementsPerSecond });
            opts.log(`${visitorLine(r)}; ${statementsPerSecond} dashboard statements/s`);
          }
        } finally {
          await Promise.allSettled(dashboards.map((d) => d.stop()));
        }
      }
    } finally {
      await proxy.close();
    }
  }
  return { engine: opts.engine, seconds: opts.seconds, runs, snapshots };
}

const ms0 = (x: number) => String(round(x, 0));

/** RESULTS.md's part: one table per distance and number of data centres, the snapshot reads. */
export function networkMarkdown(r: NetworkResults): string[] {
  const base = (rtt: number) =>
    r.runs.find((x) => x.rttMs === rtt && x.colos === 1 && x.visitors === 1);
  const lines = [
    `Visitor: INSERT of an order → the "Orders" figure on an open page in Chromium includes it (timed in the page); orders about once a second at random moments for ${r.seconds} s; the page polls every 2 s, timed to land just after the engine's passes; with 200 visitors the other 199 are HTTP clients in a process of their own, spread over the data centres, polling by the same rule. Server: INSERT → customer_stats includes it (read beside the database every 25 ms). Limit: 3 s (1 s schedule + 2 s poll). Statements/s: what the dashboards' database connections sent (every Query and Execute message, counted at the proxy between the Workers and the database, so a kept connection hides nothing), scheduler passes running; "× base" compares with 1 visitor in 1 data centre at the same distance. One run per row (n = orders timed). All on this one machine: the data centres are separate workerd processes on loopback, the distance is the proxy's delay.`,
    '',
  ];
  for (const rtt of RTTS_MS) {
    for (const colos of COLOS) {
      const rows = r.runs.filter((x) => x.rttMs === rtt && x.colos === colos);
      if (rows.length === 0) continue;
      lines.push(
        `#### Database ${rtt} ms round trip away, ${colos} data centre${colos > 1 ? 's' : ''} (${r.engine})`,
        '',
        '| visitors | orders | visitor p50 / p95 / p99 ms | min–max ms | p95 / 3 s | server p50 / p95 ms | page polled every (mean ms) | statements/s | × base |',
        '|---|---|---|---|---|---|---|---|---|',
        ...rows.map((x) => {
          const v = x.visitor;
          const b = base(rtt);
          const shown = x.missing ? ` (${x.missing} not shown)` : '';
          return `| ${x.visitors} | ${v.n}${shown} | ${ms0(v.p50)} / ${ms0(v.p95)} / ${ms0(v.p99)} | ${ms0(v.min)}–${ms0(v.max)} | ${x.p95OverLimit} | ${ms0(x.server.p50)} / ${ms0(x.server.p95)} | ${x.pollIntervalMs.mean} | ${x.statementsPerSecond} | ${b ? round(x.statementsPerSecond / b.statementsPerSecond, 2) : '—'} |`;
        }),
        '',
      );
    }
  }
  lines.push(
    `#### One snapshot read (${r.engine})`,
    '',
    `The producer's read of a whole page (every panel's query in one statement) over its kept connection, ${SNAPSHOT_READS} reads ${SNAPSHOT_EVERY_MS} ms apart as the producer makes them (the efficiency and advisor panels, whose figures move slowly, read every 30 s and held in between, so in two of them); target: p95 ≤ one round trip + 150 ms. Opening that connection (TCP and WebSocket to the proxy, the proxy's TCP to the server, startup and SCRAM authentication: several round trips) is paid once per producer start, not per read.`,
    '',
    '| round trip | connect ms (once) | reads | p50 ms | p95 ms | p99 ms | min–max ms | p95 − round trip |',
    '|---|---|---|---|---|---|---|---|',
    ...r.snapshots.map(
      (s) =>
        `| ${s.rttMs} ms | ${s.connectMs} | ${s.ms.n} | ${s.ms.p50} | ${s.ms.p95} | ${s.ms.p99} | ${s.ms.min}–${s.ms.max} | ${round(s.ms.p95 - s.rttMs, 1)} ms |`,
    ),
    '',
  );
  return lines;
}
