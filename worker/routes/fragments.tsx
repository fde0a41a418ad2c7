// GET /fragments/…: what the page polls (one panel, or all of them out of band) and what its
// buttons fetch (a stream table's SQL, a try-it query's rows).

import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { detectEngine, inTransaction, withDb } from '../../db';
import { loadDefiningQuery } from '../../db/pgtrickle/definition';
import { FOLLOW_S, loadChange, traceChange } from '../../db/pgtrickle/trace';
import { urlsFor } from '../../ui/urls';
import { cached, defaultCache } from '../cache';
import type { WithDbAndScenario } from '../env';
import { dbSettings, nameParam, nodeParam, scenarioParam } from '../middleware';
import { TraceView } from '../pgtrickle/trace';
import {
  cadenceHeaders,
  FRESH_UNTIL,
  untilProducerReads,
  WAIT_FOR_NEXT_READ_MS,
  withPollHint,
} from '../poll-timing';
import { allPanels, buildSnapshot, READ_OPTS, snapshotData } from '../snapshot';
import { FollowPoller } from '../views/actions';
import { PanelBody } from '../views/chrome';
import { SqlBody, TryResult } from '../views/explore';
import { AllFragments, viewOf } from '../views/page';

const TRY_ROW_LIMIT = 50;
/**
 * How long a fragment is shared at the edge at most: just under the page's 2 s poll. Where the
 * engine's cadence is known the copy lasts only until the next refresh (poll-timing.ts), so a
 * poll never gets data older than the latest pass, and a scenario's fragments are computed about
 * once per pass however many visitors poll.
 */
const FRAGMENT_TTL_MS = 1900;
/** The edge cache, and the client's Accept-Encoding for the copy it is sent. */
const edgeOpts = (c: { req: { header(name: string): string | undefined } }) => ({
  cache: defaultCache(),
  acceptEncoding: c.req.header('accept-encoding'),
});

export const fragmentRoutes = new Hono<WithDbAndScenario>()
  .use(dbSettings, scenarioParam)
  .get('/sql', async (c) => {
    const { scenario, db } = c.var;
    const node = nodeParam(c, scenario);
    if (!node) throw new HTTPException(400, { message: 'Missing node: /fragments/sql?node=…' });
    const def = await withDb(
      db,
      scenario.database,
      (conn) => loadDefiningQuery(conn, node.name),
      READ_OPTS,
    );
    return c.html(<SqlBody name={node.name} {...(def ? { def } : {})} />);
  })
  /** Runs one of the scenario's example queries (a fixed allow-list), read-only, time-limited. */
  .get('/try', async (c) => {
    const { scenario, db } = c.var;
    const id = nameParam(c, 'q');
    const offered = scenario.examples.filter((e) => !e.writes);
    const example = offered.find((e) => e.id === id);
    if (!example) {
      const valid = offered.map((e) => e.id).join(', ');
      throw new HTTPException(404, { message: `Unknown query. Valid: ${valid}.` });
    }
    const sql = example.broken?.corrected ?? example.sql;
    const t0 = Date.now();
    const rows = await withDb(
      db,
      scenario.database,
      (conn) => inTransaction(conn, () => conn.query(sql), { readOnly: true }),
      { ...READ_OPTS, statementTimeoutMs: 3000 },
    );
    return c.html(<TryResult rows={rows} ms={Date.now() - t0} limit={TRY_ROW_LIMIT} />);
  })
  /**
   * One change followed through the DAG (a visitor's action): polls itself every 1.5 s until
   * every table has picked it up, or FOLLOW_S have passed. Shared by event at the edge for a
   * second, so a change costs about one computation a second however many ask.
   */
  .get('/follow', async (c) => {
    const { scenario, db } = c.var;
    const raw = c.req.query('event') ?? '';
    if (!/^[0-9]{1,15}$/.test(raw)) {
      throw new HTTPException(400, { message: 'Malformed event: expected a number.' });
    }
    const compute = async () => {
      const trace = await withDb(
        db,
        scenario.database,
        async (conn) => {
          const change = await loadChange(conn, { id: Number(raw) });
          return change ? traceChange(conn, await detectEngine(conn), change) : undefined;
        },
        READ_OPTS,
      );
      if (!trace) throw new HTTPException(404, { message: 'Unknown or expired change.' });
      const more = !trace.complete && trace.ageS < FOLLOW_S;
      return c.html(
        <FollowPoller scenario={scenario.id} event={raw} {...(more ? { delayMs: 1500 } : {})}>
          <TraceView trace={trace} mine />
        </FollowPoller>,
      );
    };
    if (c.env.EDGE_CACHE === 'off') return compute();
    const key = `${new URL(c.req.url).origin}${urlsFor(scenario.id).follow(raw)}`;
    return cached(key, 1000, compute, edgeOpts(c));
  })
  /**
   * Panel fragments, shared by every visitor of a scenario: drawn from the scenario's producer's
   * latest snapshot (producer.ts: read once per pass for every data centre), cached at the edge
   * until the engine's next refresh (at most 1.9 s) and drawn once per key however many pollers
   * ask at once. Each answer tells the page when the next refresh lands (poll-timing.ts).
   */
  .get('/:panel', async (c) => {
    const { scenario } = c.var;
    const id = c.req.param('panel');
    const ids = allPanels(scenario).map((p) => p.id);
    if (id !== 'all' && !ids.includes(id)) {
      const valid = ['all', ...ids].join(', ');
      throw new HTTPException(404, { message: `Unknown panel. Valid panels: ${valid}.` });
    }
    const compute = async () => {
      const { data, reads, dueMs } = await snapshotData(c.env, scenario);
      // The producer's reads so far and how many met a late pass (for tests and the bench).
      if (reads) c.header('X-Producer-Reads', `${reads.total} ${reads.late}`);
      const snapshot = buildSnapshot(scenario, data, id === 'all' ? {} : { only: id });
      for (const [name, value] of cadenceHeaders(snapshot.cadence, Date.now())) {
        c.header(name, value);
      }
      // The copy is worth keeping until the producer reads again (it knows when, late passes
      // included), not asking it in between.
      if (dueMs !== undefined) c.header(FRESH_UNTIL, String(untilProducerReads(dueMs, Date.now())));
      if (id === 'all') return c.html(<AllFragments snapshot={snapshot} />);
      const loaded = snapshot.panels[0];
      return c.html(loaded ? <PanelBody loaded={loaded} view={viewOf(snapshot)} /> : '');
    };
    if (c.env.EDGE_CACHE === 'off') return withPollHint(await compute(), Date.now());
    const key = `${new URL(c.req.url).origin}${urlsFor(scenario.id).fragment(id)}`;
    const res = await cached(key, FRAGMENT_TTL_MS, compute, {
      ...edgeOpts(c),
      waitNearMs: WAIT_FOR_NEXT_READ_MS,
    });
    return withPollHint(res, Date.now());
  });
