// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files write ${VAR} in plain strings; that syntax is what these tests check
// The Docker Compose file, resolved as `docker compose config` would (interpolation, then the
// compose specification's schema) without Docker or docker-compose on the machine, and checked
// for what the demo needs. Nothing is started.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../local/paths';
import { composeConfig, interpolate } from './compose-config';

const FILE = join(ROOT, 'docker', 'compose.yaml');

interface Service {
  image?: string;
  build?: { context: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  ports?: string[];
}

const config = (env: Record<string, string> = {}) =>
  composeConfig<{ services: Record<string, Service>; volumes: Record<string, unknown> }>(FILE, env);

describe('docker/compose.yaml', () => {
  const c = config();
  const s = c.services;

  it('starts pg_trickle, Neon’s WebSocket proxy and the demo, in order, with healthchecks', () => {
    expect(Object.keys(s).sort()).toEqual(['demo', 'postgres', 'wsproxy']);
    expect(s.postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(s.demo?.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:8080');
    expect(s.wsproxy?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(s.demo?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(s.demo?.depends_on?.wsproxy).toBeDefined();
    expect(s.demo?.ports).toEqual(['8080:8080']);
  });

  it('pins every image, with the pg_trickle release as the default', () => {
    expect(s.postgres?.image).toBe('ghcr.io/trickle-labs/pg_trickle:0.108.3-pg18.3');
    expect(s.demo?.image).toMatch(/^node:\d+\.\d+\.\d+-bookworm$/);
    // wsproxy publishes only :latest, so it is built from a pinned commit.
    expect(s.wsproxy?.build?.context).toMatch(
      /^https:\/\/github\.com\/neondatabase\/wsproxy\.git#[0-9a-f]{40}$/,
    );
    for (const [name, svc] of Object.entries(s)) {
      expect(svc.image ?? '', name).not.toMatch(/:latest$/);
    }
  });

  it('keeps the data in a named volume and configures the demo for the real engine', () => {
    expect(Object.keys(c.volumes)).toContain('pgdata');
    expect(s.postgres?.volumes?.some((v) => v.startsWith('pgdata:/var/lib/postgresql'))).toBe(true);
    expect(s.postgres?.environment?.POSTGRES_USER).toBe('demo');
    expect(s.demo?.environment).toMatchObject({
      DATABASE_URL: 'postgres://demo:demo@postgres:5432/postgres',
      DB_WS_PROXY: 'ws://wsproxy:80/v1',
      DEMO_SCENARIO: 'ecommerce',
      HOST: '0.0.0.0',
    });
    // The wsproxy forwards to the database service only.
    expect(s.wsproxy?.environment?.ALLOW_ADDR_REGEX).toMatch(/^\^postgres:5432\$/);
  });

  it('preloads pg_trickle and captures changes with triggers, whatever image runs', () => {
    // A self-built image (upstream's Dockerfile.demo) has no defaults file: without the preload
    // on the command line its scheduler would never refresh anything.
    const envs: Record<string, string>[] = [{}, { PG_TRICKLE_IMAGE: 'pg_trickle:demo' }];
    for (const env of envs) {
      const cmd = config(env).services.postgres?.command ?? [];
      expect(cmd[0]).toBe('postgres');
      const settings = cmd.filter((_, i) => cmd[i - 1] === '-c');
      expect(settings).toContain('shared_preload_libraries=pg_trickle');
      expect(settings).toContain('pg_trickle.cdc_mode=trigger');
    }
  });

  it('runs the same npm script a user runs', () => {
    const cmd = (s.demo?.command ?? []).join(' ');
    expect(cmd).toContain('npm run dev');
  });

  it('takes PG_TRICKLE_IMAGE and DEMO_SCENARIO from the environment', () => {
    const o = config({ PG_TRICKLE_IMAGE: 'pg_trickle:demo', DEMO_SCENARIO: 'fraud' }).services;
    expect(o.postgres?.image).toBe('pg_trickle:demo');
    expect(o.demo?.environment?.DEMO_SCENARIO).toBe('fraud');
  });
});

// The checker itself must catch the mistakes docker-compose caught, or the tests above prove
// nothing about a broken file.
describe('the compose checker', () => {
  const tmp = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'pgtd-compose-'));
    const file = join(dir, 'compose.yaml');
    writeFileSync(file, yaml);
    return file;
  };

  it('interpolates as the compose specification says', () => {
    const env = { A: 'a', EMPTY: '' };
    expect(interpolate('${A}-$A-$$A', env)).toBe('a-a-$A');
    expect(interpolate('${B:-x}|${EMPTY:-x}|${EMPTY-x}|${B-x}', env)).toBe('x|x||x');
    expect(interpolate('${A:+y}|${B:+y}|${A:-${B:-n}}', env)).toBe('y||a');
    expect(interpolate('${B:-${A}}', env)).toBe('a');
  });

  it('refuses malformed or unresolvable variables', () => {
    expect(() => interpolate('${A', {})).toThrow(/unclosed/);
    expect(() => interpolate('${1A}', {})).toThrow(/Invalid interpolation/);
    expect(() => interpolate('${A B}', { A: 'a' })).toThrow(/Invalid interpolation/);
    expect(() => interpolate('cost $ 5', {})).toThrow(/lone/);
    expect(() => interpolate('${B}', {})).toThrow(/B is unset/);
    expect(() => interpolate('${B:?set B first}', {})).toThrow(/set B first/);
  });

  it('refuses a file that breaks the specification', () => {
    const ok = 'services:\n  a:\n    image: x:1\n';
    expect(composeConfig(tmp(ok), {})).toEqual({ services: { a: { image: 'x:1' } } });
    const bad = [
      'services:\n  a:\n    image: x:1\n    healthcheck:\n      retrys: 3\n',
      'services:\n  a:\n    image: x:1\n    depends_on:\n      b:\n        condition: service_health\n',
      'services:\n  a:\n    image: x:1\n    ports: 8080\n',
      'servics:\n  a:\n    image: x:1\n',
    ];
    for (const yaml of bad)
      expect(() => composeConfig(tmp(yaml), {}), yaml).toThrow(/specification/);
  });
});
