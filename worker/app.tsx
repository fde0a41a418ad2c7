// The public dashboard Worker: the page and its polled fragments, read-only. Requests pass the
// security headers, the layout, the guards, then the database settings and scenario (c.var);
// the routes live in routes/ and health.ts; every failure is answered by the one onError below.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DbError } from '../db';
import { scenarios } from '../scenarios';
import type { Dashboard } from './env';
import { healthRoutes } from './health';
import { layout } from './layout';
import { actionLimit, fragmentLimit, guards } from './middleware';
import { actionRoutes } from './routes/actions';
import { fragmentRoutes } from './routes/fragments';
import { pageRoutes } from './routes/page';
import { ErrorBody, ErrorFragment } from './views/errors';

const app = new Hono<Dashboard>();

app.use(
  '*',
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
    referrerPolicy: 'strict-origin-when-cross-origin',
    xFrameOptions: 'DENY',
  }),
);
// Before the guards, so that the pages they refuse are drawn in the layout too.
app.use('*', layout);
app.use('*', guards);
app.use('/fragments/*', fragmentLimit);
app.use('/actions/*', actionLimit);
// Each sub-app resolves what its handlers use (the database settings, the scenario) with its
// own middleware, typed on it: a handler cannot read what its sub-app does not set.

app.route('/', pageRoutes);
app.route('/fragments', fragmentRoutes);
app.route('/actions', actionRoutes);
app.route('/healthz', healthRoutes);

app.notFound(() => {
  throw new HTTPException(404, { message: 'Not found.' });
});

/** The refusals a visitor can meet, each with the header that tells a client what to do next. */
const REFUSALS: Partial<Record<number, (path: string) => Record<string, string>>> = {
  400: () => ({}),
  403: () => ({}),
  404: () => ({}),
  405: (path) => ({ Allow: path.startsWith('/actions/') ? 'POST' : 'GET, HEAD' }),
  414: () => ({}),
  429: (path) => ({ 'Retry-After': path.startsWith('/actions/') ? '60' : '10' }),
  503: () => ({ 'Retry-After': '5' }),
};

/**
 * One answer for every failure: a fragment for htmx under /fragments/, a small page with links to
 * the valid scenarios elsewhere. Messages never echo the request.
 */
app.onError((err, c) => {
  let status: ContentfulStatusCode = 500;
  let message = 'Internal error.';
  const refusal = err instanceof HTTPException ? REFUSALS[err.status] : undefined;
  if (err instanceof HTTPException && refusal) {
    status = err.status as ContentfulStatusCode;
    message = err.message;
    for (const [k, v] of Object.entries(refusal(c.req.path))) c.header(k, v);
  } else if (err instanceof DbError && (err.kind === 'unavailable' || err.kind === 'timeout')) {
    console.error(
      JSON.stringify({
        msg: 'database unreachable',
        kind: err.kind,
        path: c.req.path,
        level: 'warn',
      }),
    );
    c.header('Retry-After', '2');
    status = 503;
    message = 'Database unreachable; retrying.';
  } else {
    console.error(
      JSON.stringify({
        msg: 'request failed',
        path: c.req.path,
        error: String(err),
        level: 'error',
      }),
    );
  }
  c.header('Cache-Control', 'no-store');
  if (c.req.path.startsWith('/fragments/') || c.req.path.startsWith('/actions/')) {
    return c.html(<ErrorFragment status={status} message={message} />, status);
  }
  c.status(status);
  return c.render(<ErrorBody status={status} message={message} scenarios={scenarios} />, {
    title: `${status} · pg_trickle live demo`,
  });
});

export default app;
