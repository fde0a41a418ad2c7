// Freshness on the local stack in compatibility mode: INSERT → a page polling every 2 s shows it
// (and, apart, → the stream table shows it), with the engine's side driven like the generator.
import type { DbConfig } from '../../db';
import { median, percentile, round, summary } from '../stats';
import { measureDemoFreshness } from './freshness';
import { compatScheduler, type Section } from './section';

const EVENTS = 100;
const limitMs = (scheduleS: number) => (scheduleS + 2) * 1000; // schedule + the page's 2 s poll

type Fresh = ReturnType<typeof summary> & {
  limitMs: number;
  p95OverLimit: number;
  note?: string;
  server: ReturnType<typeof summary>;
};

const row = (label: string, x: Fresh) => [
  `| ${label} | visitor | ${x.n} | ${x.p50} | ${x.p95} | ${x.p99} | ${x.min}–${x.max} | ${x.p95OverLimit} |`,
  `| ${label} | server | ${x.server.n} | ${x.server.p50} | ${x.server.p95} | ${x.server.p99} | ${x.server.min}–${x.server.max} | — |`,
];

export async function measureLocalFreshness(opts: {
  writerCfg: DbConfig;
  readerCfg: DbConfig;
  dashboardUrl: string;
  log: (m: string) => void;
}): Promise<Section> {
  opts.log(
    `freshness: ${EVENTS} orders (customer_stats, 1 s) and ${EVENTS} trades (breach_dashboard, L10), page polled every 2 s`,
  );
  const stop = { done: false };
  const loops = [
    compatScheduler(opts.writerCfg, 'ecommerce_demo', stop),
    compatScheduler(opts.writerCfg, 'finance_demo', stop),
  ];
  const [f1, f10] = await measureDemoFreshness({
    writeCfg: opts.writerCfg,
    readCfg: opts.readerCfg,
    dashboardUrl: opts.dashboardUrl,
    events: EVENTS,
  });
  stop.done = true;
  await Promise.all(loops);
  const fresh = (run: typeof f1, note?: string): Fresh => ({
    ...summary(run.visitor),
    limitMs: limitMs(1),
    p95OverLimit: round(percentile(run.visitor, 95) / limitMs(1), 2),
    server: summary(run.server),
    ...(note ? { note } : {}),
  });
  const stream1s = fresh(f1);
  const financeL10 = fresh(f10, 'net_positions (1 s) → 9 calculated levels → breach_dashboard');
  opts.log(
    `freshness 1 s table p50 ${median(f1.visitor)} ms p95 ${stream1s.p95} ms; L10 p50 ${median(f10.visitor)} ms p95 ${financeL10.p95} ms`,
  );
  return {
    key: 'freshness',
    results: {
      measuredOn:
        'compatibility mode (full refresh every second, driven like the generator), edge cache on',
      pollNote:
        'visitor: the page polled every 2 s at a random phase to the write; server: the stream table polled every 25 ms',
      stream1s,
      financeL10,
    },
    markdown: [
      '## Freshness as a visitor sees it (compatibility mode)',
      '',
      'Visitor: INSERT → a poll of the page (every 2 s, at a random phase to the write, through the edge cache) shows the new value. Server: INSERT → the stream table shows it (polled every 25 ms).',
      '',
      '| stream table | part | events | p50 ms | p95 ms | p99 ms | min–max ms | p95 / limit (1 s + 2 s poll) |',
      '|---|---|---|---|---|---|---|---|',
      ...row('customer_stats (1 s)', stream1s),
      ...row('breach_dashboard (finance L10)', financeL10),
      '',
    ],
  };
}
