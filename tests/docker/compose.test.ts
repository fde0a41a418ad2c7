// The Docker Compose file, parsed and checked by Debian's docker-compose (1.29), which validates
// and interpolates without a Docker engine (none runs on our machines). Nothing is started.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../scripts/stack';

const FILE = join(ROOT, 'docker', 'compose.yaml');

interface Service {
  image?: string;
  build?: { context: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  ports?: { published: number; target: number }[];
}

function config(env: Record<string, string> = {}): {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
} {
  let out: string;
  try {
    out = execFileSync('docker-compose', ['-f', FILE, 'config'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'docker-compose is not installed: apt-get install -y docker-compose (.ci/run does)',
      );
    }
    throw new Error(`docker-compose config failed: ${e.stderr}`);
  }
  return parse(out);
}

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
    expect(s.demo?.ports).toEqual([{ published: 8080, target: 8080 }]);
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
