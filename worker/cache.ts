// Cost flat in visitors: a fragment is computed at most about once per engine refresh (a second)
// per scenario and location, whatever the number of pollers. Three layers:
// - the Workers Cache API (per data centre), with a short max-age, cut to the engine's next
//   refresh when the answer names it;
// - within one isolate, the same copy held in memory for as long, with its body gzipped once
//   (the runtime's CompressionStream) and sent as is to every client that takes gzip: otherwise
//   the runtime compresses the same 40-60 KB again for each of the ~100 polls that arrive
//   together after a pass (under `wrangler dev`, a third of the CPU an answer costs);
// - within one isolate, concurrent misses for the same key wait for the one computation already
//   under way instead of each querying the database (the Cache API alone does not coalesce).
// Written by hand: no maintained library does request coalescing on the Workers Cache API.
import { FRESH_UNTIL } from './poll-timing';

interface Computed {
  at: number;
  status: number;
  headers: [string, string][];
  body: string;
  /**
   * The body gzipped, made once with the copy (a finished buffer, never a promise that another
   * request's context would have to settle).
   */
  gzipped?: ArrayBuffer;
}

const inFlight = new Map<string, Promise<Computed>>();

/** A copy held in this isolate's memory, fresh until `until` (ms). */
interface Held {
  until: number;
  computed: Computed;
}
/** Per cache, so that a cache (and a test's stand-in for one) starts with nothing held. */
const heldBy = new WeakMap<EdgeCache, Map<string, Held>>();
/** Past this many keys, copies no longer fresh are dropped (keys are panels and followed events). */
const HELD_PRUNE_AT = 64;

function held(cache: EdgeCache): Map<string, Held> {
  let map = heldBy.get(cache);
  if (!map) {
    map = new Map();
    heldBy.set(cache, map);
  }
  return map;
}

function hold(cache: EdgeCache, key: string, computed: Computed, until: number): void {
  const map = held(cache);
  if (map.size >= HELD_PRUNE_AT) {
    const now = Date.now();
    for (const [k, h] of map) if (h.until <= now) map.delete(k);
  }
  map.set(key, { until, computed });
}

/** Until when a copy computed at `computedAt` with `headers` may be served. */
const freshUntil = (computedAt: number, ttlMs: number, headers: Headers) =>
  Math.min(computedAt + ttlMs, Number(headers.get(FRESH_UNTIL) ?? Number.POSITIVE_INFINITY));

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

/** Below this, a body is sent as it is and the runtime does what it likes. */
const GZIP_FROM_BYTES = 1024;

/**
 * Whether an Accept-Encoding header takes gzip (named, or `*`, without q=0). Under workerd (and on
 * Cloudflare) the Worker sees the front end's own header ("br, gzip"), and the front end decodes
 * the body for a client that refused gzip; this check is for runtimes that pass the client's on.
 */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const refused = params.some((p) => /^q=0(\.0*)?$/.test(p));
    return (coding === 'gzip' || coding === '*') && !refused;
  });
}

/** Adds the gzipped body to a successful copy worth compressing. */
async function withGzip(c: Computed): Promise<Computed> {
  if (c.status === 200 && c.body.length >= GZIP_FROM_BYTES) {
    const stream = new Blob([c.body]).stream().pipeThrough(new CompressionStream('gzip'));
    c.gzipped = await new Response(stream).arrayBuffer();
  }
  return c;
}

function respond(c: Computed, how: string, acceptEncoding: string | undefined): Response {
  const headers = new Headers(c.headers);
  headers.set('X-Cache', how);
  headers.set('Cache-Control', BROWSER_CACHE);
  if (!c.gzipped) return new Response(c.body, { status: c.status, headers });
  headers.set('Vary', 'Accept-Encoding');
  if (!acceptsGzip(acceptEncoding)) return new Response(c.body, { status: c.status, headers });
  headers.set('Content-Encoding', 'gzip');
  // `encodeBody: 'manual'` (workerd): the body is already encoded; send it as it is.
  const init = { status: c.status, headers, encodeBody: 'manual' };
  return new Response(c.gzipped, init as ResponseInit);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Serves `key` from the edge cache, or computes it once (even with many concurrent callers) and
 * caches a successful answer for `ttlMs`. Failures are passed on, never cached. `acceptEncoding`
 * is the client's Accept-Encoding: a copy is sent gzipped where it allows. With `waitNearMs`, a
 * request that finds a copy due to be replaced within that long waits for the new one instead of
 * taking the old (WAIT_FOR_NEXT_READ_MS, poll-timing.ts).
 */
export async function cached(
  key: string,
  ttlMs: number,
  compute: () => Promise<Response>,
  opts: {
    cache?: EdgeCache | undefined;
    acceptEncoding?: string | undefined;
    waitNearMs?: number;
  } = {},
): Promise<Response> {
  const { cache, acceptEncoding } = opts;
  const waitNear = opts.waitNearMs ?? 0;
  /** Whether a copy fresh until `until` is served now; else, waited out if nearly over. */
  const serve = async (until: number): Promise<boolean> => {
    const left = until - Date.now();
    if (left <= 0) return false;
    if (left > waitNear) return true;
    await sleep(left);
    return false;
  };
  const inMemory = cache && held(cache).get(key);
  if (inMemory && (await serve(inMemory.until)))
    return respond(inMemory.computed, 'HIT', acceptEncoding);
  const request = new Request(key, { method: 'GET' });
  const hit = await cache?.match(request);
  // The Cache API counts whole seconds; the age is checked to the millisecond here, and an answer
  // that says until when it is fresh (X-Fresh-Until: the engine's next refresh) is kept no longer.
  if (cache && hit) {
    const at = Number(hit.headers.get('X-Computed-At') ?? 0);
    const until = freshUntil(at, ttlMs, hit.headers);
    if (await serve(until)) {
      const computed = await withGzip({
        at,
        status: hit.status,
        headers: [...hit.headers.entries()],
        body: await hit.text(),
      });
      hold(cache, key, computed, until);
      return respond(computed, 'HIT', acceptEncoding);
    }
  }
  const pending = inFlight.get(key);
  if (pending) return respond(await pending, 'COALESCED', acceptEncoding);
  const work = (async (): Promise<Computed> => {
    // Age counts from the start of the computation: the data is at least that old.
    const startedAt = Date.now();
    try {
      const res = await compute();
      const computed = await withGzip({
        at: startedAt,
        status: res.status,
        headers: [...res.headers.entries()],
        body: await res.text(),
      });
      if (res.status === 200 && cache) {
        const headers = new Headers(res.headers);
        headers.set('Cache-Control', `public, max-age=${Math.ceil(ttlMs / 1000)}`);
        headers.set('X-Computed-At', String(computed.at));
        computed.headers = [...headers.entries()];
        hold(cache, key, computed, freshUntil(computed.at, ttlMs, headers));
        // Stored before this computation stops being "in flight": otherwise requests arriving
        // between the two would each compute again.
        await cache.put(request, new Response(computed.body, { status: 200, headers }));
      }
      return computed;
    } finally {
      inFlight.delete(key);
    }
  })();
  inFlight.set(key, work);
  return respond(await work, 'MISS', acceptEncoding);
}
