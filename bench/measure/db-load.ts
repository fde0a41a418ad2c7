// Database load per visitor: sessions the dashboard opens per second while n pages poll every
// 2 s, with the edge cache on and off (each session is one fragment computation).
import type { DbConfig } from '../../db';
import type { RunningProxy } from '../../local/ws-proxy';
import { round } from '../stats';
import { compatScheduler, type Section, sleep } from './section';

async function pollers(url: string, n: number, seconds: number, proxy: RunningProxy) {
  await sleep(2000);
  const before = proxy.total();
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await sleep((2000 * i) / n);
      while (Date.now() < end) {
        const s = Date.now();
        await fetch(url)
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
        await sleep(Math.max(0, 2000 - (Date.now() - s)));
      }
    }),
  );
  return round((proxy.total() - before) / seconds, 2);
}

export async function measureDbLoad(opts: {
  /** Drives the engine's side (a compatibility scheduler pass every second) during the runs. */
  writerCfg: DbConfig;
  /** The dashboard with its edge cache, and the proxy that counts its sessions. */
  cacheOn: { url: string; proxy: RunningProxy };
  cacheOff: { url: string; proxy: RunningProxy };
  log: (m: string) => void;
}): Promise<Section> {
  const load: Record<string, { cacheOn: number; cacheOff: number }> = {};
  // With passes every second a cached fragment lasts until the next pass: the cache then
  // computes about once a pass, not once per 1.9 s.
  const stop = { done: false };
  const scheduler = compatScheduler(opts.writerCfg, 'fraud_demo', stop);
  try {
    for (const n of [1, 50, 200]) {
      const path = '/fragments/all?scenario=fraud';
      const on = await pollers(`${opts.cacheOn.url}${path}`, n, 10, opts.cacheOn.proxy);
      const off = await pollers(`${opts.cacheOff.url}${path}`, n, 10, opts.cacheOff.proxy);
      load[n] = { cacheOn: on, cacheOff: off };
      opts.log(`db sessions/s with ${n} pollers: cache on ${on}, off ${off}`);
    }
  } finally {
    stop.done = true;
    await scheduler;
  }
  const ratio = (a: number | undefined, b: number | undefined) => round((a ?? 0) / (b || 1), 2);
  const ratios = {
    cacheOn200vs1: ratio(load[200]?.cacheOn, load[1]?.cacheOn),
    cacheOff200vs1: ratio(load[200]?.cacheOff, load[1]?.cacheOff),
    off200vsOn200: round((load[200]?.cacheOff ?? 0) / (load[200]?.cacheOn || 1), 1),
  };
  return {
    key: 'dbLoad',
    results: {
      measuredOn:
        'pollers every 2 s (random phases) for 10 s while the compatibility scheduler runs a pass every second; database sessions opened per second (one per fragment computation, ~25 queries each)',
      sessionsPerSecond: load,
      ratios,
    },
    markdown: [
      '## Database load per visitor (pollers every 2 s)',
      '',
      '| pollers | sessions/s, edge cache on | sessions/s, cache off (every poll queries) |',
      '|---|---|---|',
      ...Object.entries(load).map(([n, v]) => `| ${n} | ${v.cacheOn} | ${v.cacheOff} |`),
      '',
      `Ratios: 200 vs 1 pollers with the cache ${ratios.cacheOn200vs1}×, without ${ratios.cacheOff200vs1}×; at 200 pollers, no cache costs ${ratios.off200vsOn200}× the sessions. Each session runs the ~25 queries of one fragment.`,
      '',
    ],
  };
}
