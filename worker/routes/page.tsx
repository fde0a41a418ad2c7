// GET /: a scenario's whole dashboard, with the SQL of a deep-linked stream table (?node=).
import { Hono } from 'hono';
import { scenarios } from '../../scenarios';
import type { Dashboard } from '../env';
import { nodeParam } from '../middleware';
import { loadSnapshot } from '../snapshot';
import { Page } from '../views/page';

export const pageRoutes = new Hono<Dashboard>().get('/', async (c) => {
  const { scenario, db } = c.var;
  const node = nodeParam(c, scenario);
  const snapshot = await loadSnapshot(db, scenario, node ? { node: node.name } : {});
  c.header('Cache-Control', 'no-store');
  const url = new URL(c.req.url);
  const title = `${scenario.title} · pg_trickle live demo`;
  return c.render(<Page snapshot={snapshot} scenarios={scenarios} />, {
    title,
    description: scenario.description,
    url: `${url.origin}/?scenario=${scenario.id}${node ? `&node=${node.name}` : ''}`,
  });
});
