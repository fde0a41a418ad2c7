// Cost flat in visitors: a fragment is computed at most about once a second per scenario and
// location, whatever the number of pollers. Two layers:
// - the Workers Cache API (per data centre), with a short max-age;
// - within one isolate, concurrent misses for the same key wait for the one computation already
//   under way instead of each querying the database (the Cache API alone does not coalesce).
// Written by hand: no maintained library does request coalescing on the Workers Cache API.

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

const respond = (c: Computed, how: string) => {
  const headers = new Headers(c.headers);
  headers.set('X-Cache', how);
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
  // The Cache API counts whole seconds; the age is checked to the millisecond here.
  if (hit && Date.now() - Number(hit.headers.get('X-Computed-At') ?? 0) < ttlMs) {
    const res = new Response(hit.body, hit);
    res.headers.set('X-Cache', 'HIT');
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
