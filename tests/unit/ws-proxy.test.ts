import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  isAllowed,
  parseAddress,
  type RunningProxy,
  startWsProxy,
  statementCounter,
} from '../../local/ws-proxy';

describe('ws-proxy address parsing and allow-list', () => {
  it('parses host:port, [v6]:port and v6:port', () => {
    expect(parseAddress('127.0.0.1:5432')).toEqual({ host: '127.0.0.1', port: 5432 });
    expect(parseAddress('LocalHost:1')).toEqual({ host: 'localhost', port: 1 });
    expect(parseAddress('[::1]:5432')).toEqual({ host: '::1', port: 5432 });
    expect(parseAddress('::1:5432')).toEqual({ host: '::1', port: 5432 });
  });

  it('rejects malformed addresses', () => {
    for (const bad of [
      null,
      '',
      '5432',
      'host',
      'host:',
      'host:0',
      'host:70000',
      'a b:1',
      'h:1x',
      ':80',
    ]) {
      expect(parseAddress(bad)).toBeUndefined();
    }
  });

  it('allows loopback by host, and host:port entries only on that port', () => {
    const allow = ['127.0.0.1', 'db.internal:5432'];
    expect(isAllowed({ host: '127.0.0.1', port: 1 }, allow)).toBe(true);
    expect(isAllowed({ host: 'db.internal', port: 5432 }, allow)).toBe(true);
    expect(isAllowed({ host: 'db.internal', port: 22 }, allow)).toBe(false);
    expect(isAllowed({ host: '10.0.0.1', port: 5432 }, allow)).toBe(false);
  });
});

describe('ws-proxy forwarding', () => {
  let echo: Server;
  let echoPort = 0;
  let proxy: RunningProxy;

  beforeAll(async () => {
    // A TCP echo server on loopback stands in for PostgreSQL: the proxy only moves bytes.
    echo = createServer((sock) => sock.pipe(sock));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const addr = echo.address();
    echoPort = typeof addr === 'object' && addr ? addr.port : 0;
    proxy = await startWsProxy({ allow: ['127.0.0.1'] });
  });

  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  const open = (query: string) => new WebSocket(`${proxy.url}${query}`);

  it('forwards binary frames both ways to an allowed target', async () => {
    const ws = open(`?address=127.0.0.1:${echoPort}`);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    const reply = new Promise<Buffer>((r) => ws.once('message', (d) => r(d as Buffer)));
    ws.send(Buffer.from([0, 1, 2, 250, 255]));
    expect([...(await reply)]).toEqual([0, 1, 2, 250, 255]);
    ws.close();
  });

  const statusOf = (query: string, path = '/v1') =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`${proxy.url.replace('/v1', path)}${query}`);
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('error', () => {});
    });

  it('refuses a target outside the allow-list with 403, before connecting', async () => {
    expect(await statusOf(`?address=localhost:${echoPort}`)).toBe(403);
    expect(await statusOf('?address=192.0.2.1:5432')).toBe(403);
  });

  it('answers 400 for a malformed address and 404 for another path', async () => {
    expect(await statusOf('?address=nonsense')).toBe(400);
    expect(await statusOf('')).toBe(400);
    expect(await statusOf(`?address=127.0.0.1:${echoPort}`, '/v2')).toBe(404);
  });

  it('closes the WebSocket when the target refuses the connection', async () => {
    const closed = new Promise<number>((r) => {
      const ws = open('?address=127.0.0.1:1');
      ws.once('close', (code) => r(code));
      ws.once('error', () => {});
    });
    expect(await closed).toBe(1011);
  });
});

/** A typed frontend message: type byte, length (itself included), body. */
const msg = (type: string, body = Buffer.alloc(0)) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
};
/** An untyped message (startup, SSLRequest): length, then a 4-byte code and the rest. */
const untyped = (code: number, rest = Buffer.alloc(0)) => {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8 + rest.length, 0);
  b.writeInt32BE(code, 4);
  return Buffer.concat([b, rest]);
};

describe('ws-proxy statement counting', () => {
  const stream = Buffer.concat([
    untyped(80877103), // SSLRequest, refused by the server: the startup message follows
    untyped(196608, Buffer.from('user\0demo\0\0')), // startup, protocol 3.0
    msg('p', Buffer.from('secret\0')), // password: not a statement
    msg('Q', Buffer.from('SELECT 1\0')),
    msg('P', Buffer.from('\0SELECT $1\0\0\0')),
    msg('B', Buffer.alloc(10)),
    msg('E', Buffer.alloc(5)),
    msg('S'),
    msg('Q', Buffer.from('SELECT 2\0')),
    msg('X'),
  ]);

  it('counts simple queries and executes, not startup, auth, parse or sync', () => {
    let n = 0;
    expect(statementCounter(() => n++)(stream)).toBe(3);
    expect(n).toBe(3);
  });

  it('counts the same however the bytes are split', () => {
    for (const size of [1, 3, 7, 64]) {
      let n = 0;
      const count = statementCounter(() => n++);
      for (let i = 0; i < stream.length; i += size) count(stream.subarray(i, i + size));
      expect(n, `chunks of ${size}`).toBe(3);
    }
  });
});

describe('ws-proxy delays', () => {
  let echo: Server;
  let echoPort = 0;
  beforeAll(async () => {
    echo = createServer((sock) => sock.pipe(sock));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const addr = echo.address();
    echoPort = typeof addr === 'object' && addr ? addr.port : 0;
  });
  afterAll(() => new Promise<void>((r) => echo.close(() => r())));

  /** Sends `chunks` through a proxy to the echo server; the time until all came back, in order. */
  async function roundTrip(proxy: RunningProxy, chunks: Buffer[]) {
    const ws = new WebSocket(`${proxy.url}?address=127.0.0.1:${echoPort}`);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    const want = Buffer.concat(chunks);
    const got: Buffer[] = [];
    const t0 = Date.now();
    const done = new Promise<void>((r) =>
      ws.on('message', (d) => {
        got.push(d as Buffer);
        if (Buffer.concat(got).length >= want.length) r();
      }),
    );
    for (const c of chunks) ws.send(c);
    await done;
    ws.close();
    return { ms: Date.now() - t0, bytes: Buffer.concat(got) };
  }

  it('delays each direction by delayMs, keeping the bytes in order', async () => {
    const proxy = await startWsProxy({ allow: ['127.0.0.1'], delayMs: 60 });
    try {
      const chunks = [Buffer.from('a'), Buffer.from('bc'), Buffer.from('def')];
      const { ms, bytes } = await roundTrip(proxy, chunks);
      expect(ms).toBeGreaterThanOrEqual(115);
      expect(bytes.toString()).toBe('abcdef');
    } finally {
      await proxy.close();
    }
  });

  it('holds a chunk with a statement for statementDelayMs, and what follows behind it', async () => {
    const proxy = await startWsProxy({ allow: ['127.0.0.1'], statementDelayMs: 300 });
    try {
      const start = untyped(196608, Buffer.from('user\0demo\0\0'));
      const quick = await roundTrip(proxy, [start]);
      expect(quick.ms).toBeLessThan(250);
      const q = msg('Q', Buffer.from('SELECT 1\0'));
      const { ms, bytes } = await roundTrip(proxy, [start, q, msg('X')]);
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(bytes.equals(Buffer.concat([start, q, msg('X')]))).toBe(true);
      expect(proxy.statements()).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
