// What every request goes through before a handler: the guards (method, URL length, the
// per-client fragment limit), then the database settings and the scenario, resolved once and
// handed on in c.var. Every refusal is an HTTPException, answered by the app's one onError.
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { parseDbConfig } from '../db';
import { DEFAULT_SCENARIO, findScenario, scenarios } from '../scenarios';
import type { Scenario, StreamTableDef } from '../scenarios/types';
import type { Dashboard, WithDb, WithScenario } from './env';

const MAX_URL = 2048;

/**
 * GET and HEAD everywhere, POST only for a visitor's action, and from this site's own pages (the
 * browser's Origin header must be ours); no URL longer than 2 KiB. Refused before any work.
 */
export const guards = createMiddleware<Dashboard>(async (c, next) => {
  const action = c.req.path.startsWith('/actions/');
  if (action ? c.req.method !== 'POST' : c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    throw new HTTPException(405, {
      message: action
        ? 'Method not allowed: an action is a POST.'
        : 'Method not allowed: this dashboard only answers GET.',
    });
  }
  if (action && c.req.header('origin') !== new URL(c.req.url).origin) {
    throw new HTTPException(403, { message: 'Actions come from this site’s own pages.' });
  }
  if (c.req.url.length > MAX_URL) throw new HTTPException(414, { message: 'URL too long.' });
  await next();
});

/**
 * A per-client limit through a Workers rate limiting binding, where configured (RATE_LIMIT=off
 * turns them off for local load measurements); past it, a 429 that says `message`.
 */
const perClient = (binding: 'FRAGMENT_LIMITER' | 'ACTION_LIMITER', message: string) =>
  createMiddleware<Dashboard>(async (c, next) => {
    const limiter = c.env[binding];
    if (limiter && c.env.RATE_LIMIT !== 'off') {
      const key = c.req.header('cf-connecting-ip') ?? 'unknown';
      const { success } = await limiter.limit({ key });
      if (!success) throw new HTTPException(429, { message });
    }
    await next();
  });

/** Fragments: generous for a page polling every 2 s, a stop for floods. */
export const fragmentLimit = perClient(
  'FRAGMENT_LIMITER',
  'Too many requests from this client; slow down.',
);

/** Actions: a few a minute per address (the generator also caps all visitors together). */
export const actionLimit = perClient(
  'ACTION_LIMITER',
  'You have made several changes this minute; try again in a minute.',
);

/** The database settings, parsed from the environment once per request. */
export const dbSettings = createMiddleware<WithDb>(async (c, next) => {
  c.set('db', parseDbConfig(c.env));
  await next();
});

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** A query parameter that names something from a registry: absent, or a plain short name. */
export function nameParam(c: { req: { query(k: string): string | undefined } }, key: string) {
  const value = c.req.query(key);
  if (value === undefined) return undefined;
  if (!NAME.test(value)) {
    throw new HTTPException(400, {
      message: `Malformed ${key}: expected a short lowercase name (letters, digits, _ or -).`,
    });
  }
  return value;
}

/** The scenario named by ?scenario=, the configured default when absent; 404 when unknown. */
export const scenarioParam = createMiddleware<WithScenario>(async (c, next) => {
  const wanted = nameParam(c, 'scenario') ?? c.env.DEFAULT_SCENARIO ?? DEFAULT_SCENARIO;
  const scenario = findScenario(wanted);
  if (!scenario) {
    const valid = scenarios.map((s) => s.id).join(', ');
    throw new HTTPException(404, { message: `Unknown scenario. Valid scenarios: ${valid}.` });
  }
  c.set('scenario', scenario);
  await next();
});

/** ?node=, checked against the scenario's stream tables; 404 when it names none of them. */
export function nodeParam(
  c: { req: { query(k: string): string | undefined } },
  scenario: Scenario,
): StreamTableDef | undefined {
  const name = nameParam(c, 'node');
  if (name === undefined) return undefined;
  const st = scenario.streamTables.find((t) => t.name === name);
  if (!st) {
    const valid = scenario.streamTables.map((t) => t.name).join(', ');
    throw new HTTPException(404, {
      message: `Unknown stream table for ${scenario.id}. Valid: ${valid}.`,
    });
  }
  return st;
}
