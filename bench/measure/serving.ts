// Serving a fragment's edge copy under load, next to a static asset of the same Worker: closed
// loops of 1, 50 and 200 clients on loopback, 3 runs × 3 s per level. Nearly every answer is a
// copy already drawn (a cache hit; one drawing per scheduler pass): this is what a data centre
// pays per visitor, not what a snapshot costs (network.ts measures that).

import { WAIT_FOR_NEXT_READ_MS } from '../../worker/poll-timing';
import { median, round, summary } from '../stats';
import type { Section } from './section';

async function closedLoop(url: string, clients: number, ms: number) {
  const lat: number[] = [];
  const end = Date.now() + ms;
  let errors = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const s = performance.now();
        try {
          const r = await fetch(url);
          await r.arrayBuffer();
          if (!r.ok) errors++;
        } catch {
          errors++;
        }
        lat.push(performance.now() - s);
      }
    }),
  );
  return { ...summary(lat), rps: round(lat.length / (ms / 1000), 0), errors };
}

type Loop = Awaited<ReturnType<typeof closedLoop>>;

export async function measureServing(opts: {
  dashboardUrl: string;
  log: (m: string) => void;
}): Promise<Section> {
  const levels: Record<string, Record<string, number | number[]>> = {};
  for (const c of [1, 50, 200]) {
    const runs: { frag: Loop; stat: Loop }[] = [];
    for (let r = 0; r < 3; r++) {
      const frag = await closedLoop(
        `${opts.dashboardUrl}/fragments/all?scenario=ecommerce`,
        c,
        3000,
      );
      const stat = await closedLoop(`${opts.dashboardUrl}/app.css`, c, 3000);
      runs.push({ frag, stat });
    }
    const m = (f: (x: (typeof runs)[number]) => number) => round(median(runs.map(f)), 1);
    levels[`${c}`] = {
      fragmentP50ms: m((x) => x.frag.p50),
      fragmentP99ms: m((x) => x.frag.p99),
      fragmentRps: m((x) => x.frag.rps),
      staticP50ms: m((x) => x.stat.p50),
      staticP99ms: m((x) => x.stat.p99),
      staticRps: m((x) => x.stat.rps),
      p50Ratio: round(m((x) => x.frag.p50) / m((x) => x.stat.p50), 2),
      rpsRatio: round(m((x) => x.frag.rps) / m((x) => x.stat.rps), 2),
      fragmentP50RangeMs: [
        round(Math.min(...runs.map((x) => x.frag.p50))),
        round(Math.max(...runs.map((x) => x.frag.p50))),
      ],
      errors: runs.reduce((s, x) => s + x.frag.errors + x.stat.errors, 0),
    };
    opts.log(`serving ${c} clients: ${JSON.stringify(levels[`${c}`])}`);
  }
  return {
    key: 'serving',
    results: {
      measuredOn:
        'closed loop on loopback, 3 runs × 3 s per level, medians; fragment answers are edge copies (cache hits) but for one drawing per scheduler pass',
      levels,
    },
    markdown: [
      '## Serving a fragment’s edge copy vs a static asset (closed loop, loopback, one data centre)',
      '',
      `Nearly every fragment answer here is a cache hit (the copy is drawn once per scheduler pass): the cost of serving a visitor in a data centre, not the cost of reading the data. A request that arrives up to ${WAIT_FOR_NEXT_READ_MS} ms before the producer's next read waits for that read (WAIT_FOR_NEXT_READ_MS; a page aims its polls just after a read, so it rarely does); these clients ask back to back at any moment, so their waits are most of the fragment's p99 and of its lower req/s with few clients; the p50 ratio is the serving cost.`,
      '',
      '| clients | fragment p50 / p99 ms | fragment req/s | static p50 / p99 ms | static req/s | p50 ratio | req/s ratio |',
      '|---|---|---|---|---|---|---|',
      ...Object.entries(levels).map(
        ([c, x]) =>
          `| ${c} | ${x.fragmentP50ms} / ${x.fragmentP99ms} | ${x.fragmentRps} | ${x.staticP50ms} / ${x.staticP99ms} | ${x.staticRps} | ${x.p50Ratio} | ${x.rpsRatio} |`,
      ),
      '',
    ],
  };
}
