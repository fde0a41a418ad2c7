// A WebSocket-to-TCP proxy speaking Neon's wsproxy protocol (`/v1?address=host:port`, raw
// PostgreSQL protocol bytes in binary frames), for local runs and tests. Neon's own wsproxy is a
// Go program; no npm package fits (websockify on npm breaks with current `ws`), so this small one
// is ours. It forwards only to an allow-list: anything else is refused before a socket opens.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

export interface ProxyOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. */
  port?: number;
  /** Allowed targets: "host" (any port) or "host:port". Default: loopback, any port. */
  allow?: readonly string[];
  /**
   * Milliseconds each chunk waits, in each direction, before it is passed on: a database that far
   * away (DB_DELAY_MS; 20 makes a 40 ms round trip). Order is kept. Default 0.
   */
  delayMs?: number;
  /**
   * Milliseconds more for each statement (a client chunk holding one): a slow database, whose
   * every statement takes this long, while connecting stays quick. Default 0.
   */
  statementDelayMs?: number;
  log?: (msg: string) => void;
}

export interface RunningProxy {
  port: number;
  url: string;
  connections(): number;
  /** Connections accepted since start (each is one database session). */
  total(): number;
  /**
   * Statements clients sent since start: simple-protocol queries and extended-protocol executes,
   * read from the PostgreSQL frontend messages passing through (what connection reuse cannot hide).
   */
  statements(): number;
  close(): Promise<void>;
}

export interface Target {
  host: string;
  port: number;
}

/** Parses `host:port`, `[v6]:port` or `v6:port`; returns undefined for anything malformed. */
export function parseAddress(address: string | null): Target | undefined {
  if (!address || address.length > 300) return undefined;
  let host: string;
  let portText: string;
  const bracketed = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(address);
  if (bracketed) {
    host = bracketed[1] as string;
    portText = bracketed[2] as string;
  } else {
    const idx = address.lastIndexOf(':');
    if (idx <= 0) return undefined;
    host = address.slice(0, idx);
    portText = address.slice(idx + 1);
    if (host.includes(':') && isIP(host) !== 6) return undefined;
    if (!host.includes(':') && !/^[A-Za-z0-9.-]+$/.test(host)) return undefined;
  }
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { host: host.toLowerCase(), port };
}

export function isAllowed(target: Target, allow: readonly string[]): boolean {
  return allow.some((entry) => {
    const e = entry.trim().toLowerCase();
    if (e === target.host) return true;
    const parsed = parseAddress(e);
    return parsed !== undefined && parsed.host === target.host && parsed.port === target.port;
  });
}

/** PostgreSQL's SSLRequest and GSSENCRequest codes: untyped messages before the startup one. */
const PRE_STARTUP_CODES = new Set([80877103, 80877104]);

/**
 * Counts the statements in one connection's frontend byte stream ('Q' and 'E' messages), however
 * the bytes are split into chunks. The first messages (startup, SSL/GSS requests) have no type
 * byte. Written here: the proxy is ours (see the top of this file), and no package frames the
 * frontend side of the protocol on its own.
 */
export function statementCounter(onStatement: () => void): (chunk: Buffer) => number {
  let buf: Buffer = Buffer.alloc(0);
  let untyped = true;
  return (chunk) => {
    let found = 0;
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      const head = untyped ? 0 : 1;
      if (buf.length < head + 4) return found;
      const len = buf.readInt32BE(head);
      if (len < 4 || buf.length < head + len) {
        if (len < 4) buf = Buffer.alloc(0); // not the protocol we know: stop counting
        return found;
      }
      if (untyped) {
        untyped = len >= 8 && PRE_STARTUP_CODES.has(buf.readInt32BE(4));
      } else {
        const type = String.fromCharCode(buf[0] as number);
        if (type === 'Q' || type === 'E') {
          found++;
          onStatement();
        }
      }
      buf = buf.subarray(head + len);
    }
  };
}

/**
 * Runs each function at its time, in the order given (a later one never overtakes an earlier
 * one, whatever their delays): one direction of one connection.
 */
function delayedQueue(): (delayMs: number, fn: () => void) => void {
  const queue: { at: number; fn: () => void }[] = [];
  let scheduled = false;
  const next = () => (queue[0] as { at: number }).at - Date.now();
  const drain = () => {
    scheduled = false;
    while (queue.length && next() <= 0) queue.shift()?.fn();
    if (queue.length) {
      scheduled = true;
      setTimeout(drain, next());
    }
  };
  return (delayMs, fn) => {
    if (delayMs <= 0 && queue.length === 0) return fn();
    const last = queue[queue.length - 1]?.at ?? 0;
    queue.push({ at: Math.max(last, Date.now() + delayMs), fn });
    if (!scheduled) {
      scheduled = true;
      setTimeout(drain, Math.max(0, next()));
    }
  };
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

export function startWsProxy(opts: ProxyOptions = {}): Promise<RunningProxy> {
  const allow = opts.allow ?? LOOPBACK_HOSTS;
  const log = opts.log ?? (() => {});
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const open = new Set<WebSocket>();
  let accepted = 0;
  let statements = 0;
  const delayMs = Math.max(0, opts.delayMs ?? 0);
  const statementDelayMs = Math.max(0, opts.statementDelayMs ?? 0);

  const server: Server = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' });
    res.end('WebSocket upgrade required: connect to /v1?address=host:port\n');
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    if (url.pathname !== '/v1') return refuse(socket, 404, 'Not Found');
    const target = parseAddress(url.searchParams.get('address'));
    if (!target) return refuse(socket, 400, 'Bad Request: address must be host:port');
    if (!isAllowed(target, allow)) {
      log(`ws-proxy: refused ${target.host}:${target.port} (not in allow-list)`);
      return refuse(socket, 403, 'Forbidden: target not allowed');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      open.add(ws);
      accepted++;
      const tcp = connect({ host: target.host, port: target.port });
      tcp.setNoDelay(true);
      const pending: Buffer[] = [];
      let connected = false;
      tcp.on('connect', () => {
        connected = true;
        for (const chunk of pending) tcp.write(chunk);
        pending.length = 0;
      });
      const count = statementCounter(() => statements++);
      const toClient = delayedQueue();
      const toServer = delayedQueue();
      tcp.on('data', (chunk) => {
        toClient(delayMs, () => {
          if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
        });
      });
      tcp.on('error', (err) => {
        log(`ws-proxy: tcp ${target.host}:${target.port}: ${err.message}`);
        ws.close(1011, 'upstream error');
      });
      tcp.on('close', () => {
        if (ws.readyState === ws.OPEN) ws.close(1000);
      });
      ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
        const chunk = Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.isBuffer(data)
            ? data
            : Buffer.from(data);
        const held = count(chunk) > 0 ? statementDelayMs : 0;
        toServer(delayMs + held, () => {
          if (connected) tcp.write(chunk);
          else pending.push(chunk);
        });
      });
      ws.on('close', () => {
        open.delete(ws);
        tcp.destroy();
      });
      ws.on('error', () => tcp.destroy());
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no address'));
      const host = opts.host ?? '127.0.0.1';
      resolve({
        port: addr.port,
        url: `ws://${host.includes(':') ? `[${host}]` : host}:${addr.port}/v1`,
        connections: () => open.size,
        total: () => accepted,
        statements: () => statements,
        close: () =>
          new Promise<void>((done) => {
            for (const ws of open) ws.terminate();
            wss.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
