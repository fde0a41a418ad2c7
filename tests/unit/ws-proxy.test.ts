import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isAllowed, parseAddress, type RunningProxy, startWsProxy } from '../../local/ws-proxy';

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
