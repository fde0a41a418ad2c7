// POST /actions/:action?scenario=…: a visitor pokes the stream. The dashboard holds no write
// credentials: the action goes to the generator Worker through its service binding, which
// performs it with the generator's own code and its own cap. The answer is a fragment: what was
// done and, polling itself, the change followed through the DAG (GET /fragments/follow).
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { WithScenario } from '../env';
import { scenarioParam } from '../middleware';
import { ActionDone, ActionRefused } from '../views/actions';

interface Done {
  ok: true;
  id: number;
  at: string;
  label: string;
  events: number;
}
interface Refused {
  ok: false;
  reason: string;
  retryAfterS?: number;
  perMinute?: number;
  valid?: string[];
}

export const actionRoutes = new Hono<WithScenario>()
  .use(scenarioParam)
  .post('/:action', async (c) => {
    const { scenario } = c.var;
    const id = c.req.param('action');
    const action = scenario.generator.actions.find((a) => a.id === id);
    if (!action) {
      const valid = scenario.generator.actions.map((a) => a.id).join(', ');
      throw new HTTPException(404, {
        message: `Unknown action for ${scenario.id}. Valid: ${valid}.`,
      });
    }
    const generator = c.env.GENERATOR;
    if (!generator) {
      throw new HTTPException(503, { message: 'Actions are not available on this deployment.' });
    }
    let res: Response;
    try {
      res = await generator.fetch(
        new Request(`https://generator/actions/${scenario.id}/${action.id}`, { method: 'POST' }),
      );
    } catch {
      throw new HTTPException(503, { message: 'The generator did not answer; try again shortly.' });
    }
    const body = (await res.json().catch(() => ({ ok: false, reason: 'error' }))) as Done | Refused;
    c.header('Cache-Control', 'no-store');
    if (body.ok) {
      return c.html(<ActionDone scenario={scenario.id} title={action.title} done={body} />);
    }
    if (body.reason === 'busy') {
      const wait = body.retryAfterS ?? 60;
      c.header('Retry-After', String(wait));
      return c.html(<ActionRefused perMinute={body.perMinute ?? 0} retryAfterS={wait} />, 429);
    }
    throw new HTTPException(503, { message: 'The generator could not perform it; try again.' });
  });
