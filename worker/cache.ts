// Cost flat in visitors: a fragment is computed at most about once per engine refresh (a second)
// per scenario and location, whatever the number of pollers. Two layers:
// - the Workers Cache API (per data centre), with a short max-age, cut to the engine's next
//   refresh when the answer names it;
// - within one isolate, concurrent misses for the same key wait for the one computation already
//   under way instead of each querying the database (the Cache API alone does not coalesce).
// Written by hand: no maintained library does request coalescing on the Workers Cache API.
import { FRESH_UNTIL } from './poll-timing';

interface Computed {
  at: number;
  status: number;
  headers: [string, string][];
  body: string;
}

const inFlight = new Map<string, Promise<Computed>>();

export interface EdgeCache {
  match(request: Request): Promise<Response | undefined>;
  put(request: Request, response: Response): Promise<void>;
}

/** caches.default where the runtime has it (workerd, wrangler dev); undefined elsewhere. */
export function defaultCache(): EdgeCache | undefined {
  const g = globalThis as { caches?: { default?: EdgeCache } };
  return g.caches?.default;
}

/**
 * The edge copy is this Worker's alone: browsers must not keep one of their own, or a page polling
 * every 2 s would be served its previous answer (max-age counts whole seconds) instead of asking.
 */
const BROWSER_CACHE = 'no-store';

const respond = (c: Computed, how: string) => {
  const headers = new Headers(c.headers);
  headers.set('X-Cache', how);
  headers.set('Cache-Control', BROWSER_CACHE);
  return new Response(c.body, { status: c.status, headers });
};

/**
 * Serves `key` from the edge cache, or computes it once (even with many concurrent callers) and
 * caches a successful answer for `ttlSeconds`. Failures are passed on, never cached.
 */
export async function cached(
  key: string,
  ttlMs: number,
  compute: () => Promise<Response>,
  opts: { cache?: EdgeCache | undefined } = {},
): Promise<Response> {
  const { cache } = opts;
  const request = new Request(key, { method: 'GET' });
  const hit = await cache?.match(request);
  // The Cache API counts whole seconds; the age is checked to the millisecond here, and an answer
  // that says until when it is fresh (X-Fresh-Until: the engine's next refresh) is kept no longer.
  const now = Date.now();
  if (
    hit &&
    now - Number(hit.headers.get('X-Computed-At') ?? 0) < ttlMs &&
    now < Number(hit.headers.get(FRESH_UNTIL) ?? Number.POSITIVE_INFINITY)
  ) {
    const res = new Response(hit.body, hit);
    res.headers.set('X-Cache', 'HIT');
    res.headers.set('Cache-Control', BROWSER_CACHE);
    return res;
  }
  const pending = inFlight.get(key);
  if (pending) return respond(await pending, 'COALESCED');
  const work = (async (): Promise<Computed> => {
    // Age counts from the start of the computation: the data is at least that old.
    const startedAt = Date.now();
    try {
      const res = await compute();
      const computed: Computed = {
        at: startedAt,
        status: res.status,
        headers: [...res.headers.entries()],
        body: await res.text(),
      };
      if (res.status === 200) {
        const headers = new Headers(res.headers);
        headers.set('Cache-Control', `public, max-age=${Math.ceil(ttlMs / 1000)}`);
        headers.set('X-Computed-At', String(computed.at));
        computed.headers = [...headers.entries()];
        // Stored before this computation stops being "in flight": otherwise requests arriving
        // between the two would each compute again.
        await cache?.put(request, new Response(computed.body, { status: 200, headers }));
      }
      return computed;
    } finally {
      inFlight.delete(key);
    }
  })();
  inFlight.set(key, work);
  return respond(await work, 'MISS');
}
