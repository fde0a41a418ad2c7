// Visitors' actions: performed by the generator's code under one cap per scenario (a script
// clicking as fast as it can changes nothing beyond it), reached from the dashboard Worker only
// through its service binding (both Workers in workerd), and followed through the DAG to the
// last stream table of each scenario, from refresh history.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ACTIONS_PER_MINUTE, performAction } from '../../cron/actions';
import { withDb } from '../../db';
import { freshScenario } from '../../local/scenario-setup';
import { dbVars } from '../../local/stack';
import { startWrangler, type WranglerDev } from '../../local/wrangler';
import { scenarios } from '../../scenarios';
import { fraud } from '../../scenarios/fraud';
import '../../local/driver';
import { QUIET_WAIT_MS, quietly } from '../stack-lock';

const { cfg, writerCfg, readerCfg, dashboardUrl, generatorUrl } = inject('stack');

describe('the cap on visitors’ actions', () => {
  it('lets exactly the cap through in a minute, however fast a script posts, and writes no more', async () => {
    const copy = await freshScenario(cfg, fraud, 'cap');
    const writer = { ...writerCfg };
    const count = () =>
      withDb(cfg, copy.database, async (db) => {
        const [r] = await db.query(
          `SELECT (SELECT count(*) FROM transactions)::int AS txns,
                  (SELECT count(*) FROM merchant_risk_tier WHERE updated_at > now() - interval '1 minute')::int AS tiers,
                  (SELECT count(*) FROM demo_meta.traced_events WHERE source = 'visitor')::int AS actions`,
        );
        return r as { txns: number; tiers: number; actions: number };
      });
    const before = await count();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        performAction({
          cfg: writer,
          scenario: copy,
          action: i % 2 ? 'suspicious-burst' : 'rotate-tier',
          perMinute: 5,
        }),
      ),
    );
    const ok = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r).toMatchObject({ reason: 'busy', perMinute: 5 });
      const wait = (r as { retryAfterS: number }).retryAfterS;
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
    }
    const after = await count();
    expect(after.actions - before.actions).toBe(5);
    // A burst writes at most 14 transactions; the refused ones wrote nothing.
    const events = ok.reduce((s, r) => s + (r.ok ? r.events : 0), 0);
    expect(after.txns - before.txns).toBeLessThanOrEqual(events);
    expect(after.txns - before.txns).toBeLessThanOrEqual(5 * 14);
  });

  it(
    'holds at the real cap, 12 a minute, through the generator Worker’s own HTTP route',
    () =>
      // The databases to ourselves: no other file's actions count against this minute.
      quietly(async () => {
        const visitorActions = () =>
          withDb(cfg, 'fraud_demo', async (db) => {
            const [r] = await db.query(
              `SELECT count(*)::int AS n FROM demo_meta.traced_events WHERE source = 'visitor'`,
            );
            return Number(r?.n);
          });
        // The cap counts the visitor actions of the last 60 s: start from none, and give the
        // minute's cap back to the tests that follow, whatever happens here.
        const forget = () =>
          withDb(cfg, 'fraud_demo', (db) =>
            db.query(`DELETE FROM demo_meta.traced_events WHERE source = 'visitor'`),
          );
        await forget();
        try {
          const before = await visitorActions();
          const answers = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              fetch(`${generatorUrl}/actions/fraud/${i % 2 ? 'suspicious-burst' : 'rotate-tier'}`, {
                method: 'POST',
              }).then(async (r) => ({ status: r.status, body: await r.json() })),
            ),
          );
          const statuses = answers.map((a) => a.status);
          expect(
            statuses.filter((x) => x === 200),
            statuses.join(','),
          ).toHaveLength(ACTIONS_PER_MINUTE);
          expect(statuses.filter((x) => x === 429)).toHaveLength(20 - ACTIONS_PER_MINUTE);
          for (const a of answers.filter((x) => x.status === 429)) {
            expect(a.body).toMatchObject({ ok: false, reason: 'busy', perMinute: 12 });
          }
          expect((await visitorActions()) - before).toBe(ACTIONS_PER_MINUTE);
        } finally {
          await forget();
        }
      }),
    QUIET_WAIT_MS,
  );

  it('refuses an action the scenario does not have', async () => {
    const r = await performAction({ cfg: writerCfg, scenario: fraud, action: 'drop-tables' });
    expect(r).toEqual({ ok: false, reason: 'unknown', valid: ['suspicious-burst', 'rotate-tier'] });
    // Refused before a connection is opened: a database nobody listens on changes nothing.
    const nowhere = { ...writerCfg, DATABASE_URL: 'postgres://nobody:x@127.0.0.1:9/none' };
    await expect(
      performAction({ cfg: nowhere, scenario: fraud, action: 'drop-tables' }),
    ).resolves.toEqual(r);
  });
});

/** Posts an action as a page of the dashboard does. */
const act = (base: string, scenario: string, action: string) =>
  fetch(`${base}/actions/${action}?scenario=${scenario}`, {
    method: 'POST',
    headers: { origin: base },
  });

describe('an action from the dashboard, followed through the DAG', () => {
  const chosen: Record<string, string> = {
    ecommerce: 'place-order',
    fraud: 'suspicious-burst',
    finance: 'market-shock',
  };
  for (const s of scenarios) {
    it(`${s.id}: reaches the generator through the service binding, and its trace reaches the DAG's last level with per-table times`, async () => {
      const res = await act(dashboardUrl, s.id, chosen[s.id] as string);
      expect(res.status).toBe(200);
      const html = await res.text();
      const event = /event=(\d+)/.exec(html)?.[1];
      expect(event, html).toBeDefined();
      // The scheduler's side: the generator runs back to back, as its cron keeps it running
      // deployed (in compatibility mode it is what refreshes; 5 s tables need a few seconds).
      let following = true;
      const runs = (async () => {
        while (following) await fetch(`${generatorUrl}/__scheduled?cron=*+*+*+*+*`);
      })();
      let trace = '';
      for (let i = 0; i < 60; i++) {
        trace = await (
          await fetch(`${dashboardUrl}/fragments/follow?scenario=${s.id}&event=${event}`)
        ).text();
        if (!trace.includes('data-trace-state="waiting"')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      following = false;
      await runs;
      const states = Object.fromEntries(
        [...trace.matchAll(/data-trace-node="([a-z_0-9]+)" data-trace-state="([a-z]+)"/g)].map(
          (m) => [m[1], m[2]],
        ),
      );
      // Followed to the end: the last level either picked it up, or the change stopped above it
      // (an upstream refresh changed no row: capital is held in whole thousands, for one) and
      // the trace says so. Nothing is left waiting.
      const deepest = s.streamTables.at(-1)?.name as string;
      const last = s.id === 'ecommerce' ? 'country_revenue' : deepest;
      expect(['reached', 'stopped'], trace).toContain(states[last]);
      expect(Object.values(states)).not.toContain('waiting');
      const first = s.id === 'finance' ? 'price_snapshot' : s.streamTables[0]?.name;
      expect(states[first as string], trace).toBe('reached');
      // Every table that picked it up says when (seconds after the write) and what it changed.
      const reached = [...trace.matchAll(/<li class="trace-reached"[^>]*>(.*?)<\/li>/g)];
      expect(reached.length).toBeGreaterThan(0);
      for (const m of reached) expect(m[1]).toMatch(/\+\d+\.\d\d s · \d+ rows? changed/);
      // Whoever opens the page now sees it as the latest change followed.
      const shared = await withDb(readerCfg, s.database, (db) =>
        db.query(`SELECT max(id)::int AS id FROM demo_meta.traced_events WHERE kind <> 'tick'`),
      );
      expect(Number(shared[0]?.id)).toBeGreaterThanOrEqual(Number(event));
    });
  }
});

describe('the per-client limit on actions, in workerd', () => {
  let dash: WranglerDev;
  afterAll(async () => {
    await dash?.stop();
  });

  it('answers 429 with Retry-After after 6 actions a minute from one address', async () => {
    // A dashboard of its own (the limit counts per client, and every test here is one client);
    // an action it does not have is the cheapest to count with (404, after the limit).
    dash = await startWrangler({ vars: dbVars(readerCfg) });
    const statuses: number[] = [];
    // The local limiter counts in clock-aligned 60 s windows: within 13 requests one window
    // holds 7, so a 429 must come, after no fewer than 6 that passed.
    for (let i = 0; i < 13; i++) {
      const r = await act(dash.url, 'fraud', 'nothing-here');
      statuses.push(r.status);
      if (r.status === 429) {
        expect(r.headers.get('retry-after')).toBe('60');
        expect(await r.text()).toContain('try again in a minute');
        break;
      }
    }
    const first429 = statuses.indexOf(429);
    expect(first429, statuses.join(',')).toBeGreaterThanOrEqual(6);
    expect(statuses.slice(0, first429).every((x) => x === 404)).toBe(true);
  });
});
