// GET /: a scenario's whole dashboard, with the SQL of a deep-linked stream table (?node=).

import { Hono } from 'hono';
import { withDb } from '../../db';
import { loadDefiningQuery } from '../../db/pgtrickle/definition';
import { scenarios } from '../../scenarios';
import { urlsFor } from '../../ui/urls';
import type { WithDbAndScenario } from '../env';
import { dbSettings, nodeParam, scenarioParam } from '../middleware';
import { buildSnapshot, READ_OPTS, snapshotData } from '../snapshot';
import { Page } from '../views/page';

export const pageRoutes = new Hono<WithDbAndScenario>()
  // Only '/': mounted at the root, a bare use() would run for every path of the app.
  .use('/', dbSettings, scenarioParam)
  .get('/', async (c) => {
    const { scenario, db } = c.var;
    const node = nodeParam(c, scenario);
    // The SQL panel shows a deep link's table, else the scenario's first: never an empty panel. Its
    // defining query is a read of its own (one visitor's page, not every poll's), made alongside
    // the snapshot's; a failure leaves the panel asking for a pick rather than failing the page.
    const shown = node ?? scenario.streamTables[0];
    const [{ data }, def] = await Promise.all([
      snapshotData(c.env, scenario),
      shown
        ? withDb(
            db,
            scenario.database,
            (conn) => loadDefiningQuery(conn, shown.name),
            READ_OPTS,
          ).catch(() => undefined)
        : undefined,
    ]);
    const snapshot = buildSnapshot(
      scenario,
      data,
      shown && def ? { node: { name: shown.name, def, picked: node !== undefined } } : {},
    );
    c.header('Cache-Control', 'no-store');
    const url = new URL(c.req.url);
    const title = `${scenario.title} · pg_trickle live demo`;
    return c.render(<Page snapshot={snapshot} scenarios={scenarios} />, {
      title,
      description: scenario.description,
      url: `${url.origin}${urlsFor(scenario.id).page(node?.name)}`,
    });
  });
