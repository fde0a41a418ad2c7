// `wrangler dev` as a child process: a Worker (the dashboard, or `--env generator`) on a port of
// its own, with its own local state, stopped with the workerd it starts.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './embedded-postgres';
import { ROOT } from './paths';

/** A fresh dev registry for one stack's Workers (see startWrangler's `registry`). */
export function devRegistry(): string {
  return mkdtempSync(join(tmpdir(), 'pgtd-registry-'));
}

export interface WranglerDev {
  url: string;
  port: number;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** What `startWrangler` takes. */
export interface WranglerOptions {
  /** The generator, or another data centre's dashboard (local only); default the dashboard. */
  env?: 'generator' | 'colo';
  port?: number;
  /** Interface to listen on (0.0.0.0 inside a container). Default 127.0.0.1. */
  ip?: string;
  vars: Record<string, string>;
  testScheduled?: boolean;
  echo?: boolean;
  /**
   * The dev registry through which local Workers find each other's service bindings (the
   * dashboard's GENERATOR). One per stack: several stacks on one machine (tests) stay apart.
   */
  registry?: string;
}

/** A port chosen free was taken by another process before wrangler dev bound it. */
class PortTaken extends Error {}
const START_ATTEMPTS = 3;

/**
 * Starts `wrangler dev` (the dashboard, or `--env generator`) and waits until it answers. The
 * ports it is given (its inspector's always, its own unless `port` says) are found free a moment
 * before wrangler binds them; with several Workers and workerd processes starting at once another
 * can take one in between ("Address already in use"), and the start is then tried again on other
 * ports.
 */
export async function startWrangler(opts: WranglerOptions): Promise<WranglerDev> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (e) {
      if (!(e instanceof PortTaken) || attempt >= START_ATTEMPTS) throw e;
    }
  }
}

async function startOnce(opts: WranglerOptions): Promise<WranglerDev> {
  const port = opts.port ?? (await freePort());
  const inspector = await freePort();
  // Each instance keeps its local state (cache, rate limiter) apart: several wrangler dev
  // processes sharing .wrangler/state lock each other's SQLite files (SQLITE_BUSY).
  const state = mkdtempSync(join(tmpdir(), 'pgtd-wrangler-'));
  const args = [
    join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
    'dev',
    '--ip',
    opts.ip ?? '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '--show-interactive-dev-session=false',
    '--log-level',
    'log',
    ...(opts.env ? ['--env', opts.env] : []),
    ...(opts.testScheduled ? ['--test-scheduled'] : []),
    '--persist-to',
    state,
    ...Object.entries(opts.vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      ...(opts.registry ? { WRANGLER_REGISTRY_PATH: opts.registry } : {}),
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stopping it also stops the workerd it starts.
    detached: true,
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stopOnExit = () => signalGroup('SIGKILL');
  process.once('exit', stopOnExit);
  /** Once wrangler has exited: its workerd too, if it left it behind, and its state. */
  const cleanUp = () => {
    process.removeListener('exit', stopOnExit);
    signalGroup('SIGKILL');
    rmSync(state, { recursive: true, force: true });
  };
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    if (opts.echo) process.stdout.write(d);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      cleanUp();
      const Failure = /Address already in use/.test(out) ? PortTaken : Error;
      throw new Failure(`wrangler dev exited: ${out.slice(-3000)}`);
    }
    try {
      await fetch(`${url}/__wrangler_ready`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        signalGroup('SIGKILL');
        throw new Error(`wrangler dev did not start: ${out.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    url,
    port,
    process: child,
    output: () => out,
    stop: () =>
      new Promise<void>((done) => {
        process.removeListener('exit', stopOnExit);
        const finish = () => {
          cleanUp();
          done();
        };
        if (child.exitCode !== null) return finish();
        child.once('exit', finish);
        signalGroup('SIGTERM');
        setTimeout(() => signalGroup('SIGKILL'), 5000).unref();
      }),
  };
}
