// POST /actions/:action?scenario=…: a visitor pokes the stream. The dashboard holds no write
// credentials: the action goes to the generator Worker through its service binding, which
// performs it with the generator's own code and its own cap. The answer is a fragment: what was
// done and, polling itself, the change followed through the DAG (GET /fragments/follow).
import { Hono } from 'hono';
import { hc } from 'hono/client';
import { HTTPException } from 'hono/http-exception';
import type { GeneratorApp } from '../../cron/index';
import type { WithScenario } from '../env';
import { scenarioParam } from '../middleware';
import { ActionDone, ActionRefused } from '../views/actions';

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
    // Hono's client over the service binding: the generator's routes and answers, typed.
    const client = hc<GeneratorApp>('https://generator', {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => generator.fetch(input, init),
    });
    let res: Awaited<ReturnType<(typeof client.actions)[':scenario'][':action']['$post']>>;
    try {
      res = await client.actions[':scenario'][':action'].$post({
        param: { scenario: scenario.id, action: action.id },
      });
    } catch {
      throw new HTTPException(503, { message: 'The generator did not answer; try again shortly.' });
    }
    // A failure inside the generator answers 500 with a JSON reason; anything else that is not
    // JSON (a platform error page) is the same to a visitor.
    const body = await res.json().catch(() => undefined);
    c.header('Cache-Control', 'no-store');
    if (!body) {
      throw new HTTPException(503, { message: 'The generator could not perform it; try again.' });
    }
    if (body.ok) {
      return c.html(<ActionDone scenario={scenario.id} title={action.title} done={body} />);
    }
    if (body.reason === 'busy') {
      c.header('Retry-After', String(body.retryAfterS));
      return c.html(
        <ActionRefused perMinute={body.perMinute} retryAfterS={body.retryAfterS} />,
        429,
      );
    }
    throw new HTTPException(503, { message: 'The generator could not perform it; try again.' });
  });
