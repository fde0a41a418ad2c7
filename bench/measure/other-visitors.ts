// Other visitors for the freshness benchmark, run as a process of their own (so their polls do
// not share an event loop with the local stack's WebSocket proxy, which lives in the bench's
// process as it lives in `npm run dev`'s): `n` clients polling one fragment the way the page does
// (app.js; PollTimer and ServerClock), from random starts, until killed. They ask for gzip as a
// browser does and drain the body without decoding it: their CPU is the measuring machine's, where
// real visitors' browsers are elsewhere. node:http rather than fetch for the same reason: undici's
// fetch cost 2.2 ms of CPU per answer here against 0.5 ms, on two cores shared with the server.
//   node --import tsx bench/measure/other-visitors.ts <url>[,<url>…] <n>  (spread over the urls)
import { spawn } from 'node:child_process';
import { Agent, get, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { PollTimer, ServerClock } from '../../db/pgtrickle/cadence';
import { POLL_MS } from '../../worker/poll-timing';
import { sleep } from './section';

const agent = new Agent({ keepAlive: true });

/** One poll: the answer's headers and when they arrived, the body drained. */
function poll(url: string): Promise<{ headers: IncomingHttpHeaders; arrived: number }> {
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      // htmx's timeout on the page is 8 s as well.
      {
        agent,
        headers: { 'accept-encoding': 'gzip, deflate, br' },
        signal: AbortSignal.timeout(8000),
      },
      (res) => {
        const arrived = Date.now();
        res.on('error', reject);
        res.on('end', () => resolve({ headers: res.headers, arrived }));
        res.resume();
      },
    );
    request.on('error', reject);
  });
}

async function visitor(url: string) {
  const clock = new ServerClock();
  const timer = new PollTimer(POLL_MS);
  await sleep(Math.random() * POLL_MS);
  for (;;) {
    const sentAt = Date.now();
    let refreshAt: number | undefined;
    let every: number | undefined;
    try {
      const { headers, arrived } = await poll(url);
      const header = (name: string) => Number(headers[name.toLowerCase()] ?? Number.NaN);
      const serverTime = header('X-Server-Time');
      const refreshIn = header('X-Next-Refresh-In');
      const passEvery = header('X-Pass-Every');
      if (serverTime > 0 && refreshIn >= 0 && passEvery >= 500) {
        clock.note(serverTime, arrived);
        refreshAt = clock.local(serverTime) + refreshIn;
        every = passEvery;
      }
    } catch {
      // refused, failed or timed out: the page tries again on its 2 s timer too
    }
    await sleep(timer.next(sentAt, refreshAt, every) - Date.now());
  }
}

/**
 * Starts `n` other visitors in a child process, spread over `urls` (one data centre each); the
 * returned function stops them.
 */
export function startOtherVisitors(urls: readonly string[], n: number): () => Promise<void> {
  if (n <= 0) return async () => {};
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), urls.join(','), String(n)],
    { stdio: 'inherit' },
  );
  return () =>
    new Promise<void>((ok) => {
      if (child.exitCode !== null) return ok();
      child.once('exit', () => ok());
      child.kill('SIGTERM');
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [list, n] = process.argv.slice(2);
  const urls = (list ?? '').split(',').filter(Boolean);
  if (urls.length === 0 || !Number(n)) throw new Error('usage: other-visitors.ts <url>[,…] <n>');
  await Promise.all(
    Array.from({ length: Number(n) }, (_, i) => visitor(urls[i % urls.length] as string)),
  );
}
