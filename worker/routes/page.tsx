// GET /: a scenario's whole dashboard, with the SQL of a deep-linked stream table (?node=).
import { Hono } from 'hono';
import { withDb } from '../../db';
import { loadDefiningQuery } from '../../db/pgtrickle/status';
import { scenarios } from '../../scenarios';
import type { Dashboard } from '../env';
import { nodeParam } from '../middleware';
import { buildSnapshot, READ_OPTS, snapshotData } from '../snapshot';
import { Page } from '../views/page';

export const pageRoutes = new Hono<Dashboard>().get('/', async (c) => {
  const { scenario, db } = c.var;
  const node = nodeParam(c, scenario);
  // A deep link's defining query is its own read (one visitor's page, not every poll's).
  const [{ data }, def] = await Promise.all([
    snapshotData(c.env, scenario),
    node
      ? withDb(db, scenario.database, (conn) => loadDefiningQuery(conn, node.name), READ_OPTS)
      : undefined,
  ]);
  const snapshot = buildSnapshot(
    scenario,
    data,
    node && def ? { node: { name: node.name, def } } : {},
  );
  c.header('Cache-Control', 'no-store');
  const url = new URL(c.req.url);
  const title = `${scenario.title} · pg_trickle live demo`;
  return c.render(<Page snapshot={snapshot} scenarios={scenarios} />, {
    title,
    description: scenario.description,
    url: `${url.origin}/?scenario=${scenario.id}${node ? `&node=${node.name}` : ''}`,
  });
});
