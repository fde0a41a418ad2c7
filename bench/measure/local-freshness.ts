// Freshness on the local stack in compatibility mode, as a visitor meets it: an INSERT until an
// open page in Chromium shows it, with one visitor and with 200; the engine's side driven like
// the generator (a scheduler pass every second).
import type { DbConfig } from '../../db';
import { compatScheduler, type Section } from './section';
import {
  measureVisitorFreshness,
  VISITOR_METHOD,
  type VisitorFreshnessResult,
  visitorLine,
  visitorResult,
  visitorTable,
} from './visitor-freshness';

const SECONDS = 150;
const LIMIT_MS = 3000; // the 1 s schedule + the page's 2 s poll

export async function measureLocalFreshness(opts: {
  writerCfg: DbConfig;
  readerCfg: DbConfig;
  dashboardUrl: string;
  log: (m: string) => void;
}): Promise<Section> {
  const stop = { done: false };
  const scheduler = compatScheduler(opts.writerCfg, 'ecommerce_demo', stop);
  const runs: VisitorFreshnessResult[] = [];
  try {
    for (const visitors of [1, 200]) {
      opts.log(`freshness: ${visitors} visitor(s), orders for ${SECONDS} s, page in Chromium`);
      const r = visitorResult(
        await measureVisitorFreshness({
          dashboardUrl: opts.dashboardUrl,
          writerCfg: opts.writerCfg,
          readerCfg: opts.readerCfg,
          visitors,
          seconds: SECONDS,
        }),
        LIMIT_MS,
      );
      opts.log(visitorLine(r));
      runs.push(r);
    }
  } finally {
    stop.done = true;
    await scheduler;
  }
  return {
    key: 'freshness',
    results: {
      measuredOn:
        'compatibility mode (full refresh; a scheduler pass every second, as the generator runs it), edge cache on',
      method: VISITOR_METHOD,
      runs,
    },
    markdown: [
      '## Freshness as a visitor sees it (compatibility mode)',
      '',
      VISITOR_METHOD,
      '',
      ...visitorTable(runs),
      '',
    ],
  };
}
