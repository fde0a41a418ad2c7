// One throwaway PostgreSQL 18 cluster, our proxy, the bootstrap and both Workers under
// `wrangler dev` (workerd), shared by the integration and browser tests. Each test file that
// needs data of its own bootstraps a database of its own on this cluster.
import type { TestProject } from 'vitest/node';
import type { DbConfig } from '../db';
import { chromiumPath } from '../local/chromium';
import { setupAll } from '../local/scenario-setup';
import { dbVars, roleConfigs, startDatabase } from '../local/stack';
import { devRegistry, startWrangler } from '../local/wrangler';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: {
      /** The bootstrap's (admin) settings, for tests that inspect or prepare data. */
      cfg: DbConfig;
      /** What the Workers use: demo_reader for the dashboard, demo_writer for the generator. */
      readerCfg: DbConfig;
      writerCfg: DbConfig;
      dashboardUrl: string;
      generatorUrl: string;
      proxyUrl: string;
    };
  }
}

export default async function setup(project: TestProject) {
  // The browser is unpacked once, here, before any test worker could race to do it.
  process.env.CHROMIUM_PATH = await chromiumPath();
  // DB_DELAY_MS: the Workers reach the database that far away in each direction.
  const db = await startDatabase({ delayMs: Number(process.env.DB_DELAY_MS ?? 0) });
  await setupAll(db.cfg);
  const roles = roleConfigs(db.workersCfg);
  // One dev registry for this stack: the dashboard's GENERATOR binding finds this generator.
  const registry = devRegistry();
  const [dashboard, generator] = await Promise.all([
    startWrangler({ vars: dbVars(roles.reader), registry }),
    startWrangler({
      env: 'generator',
      testScheduled: true,
      registry,
      vars: { ...dbVars(roles.writer), GENERATOR_RUN_SECONDS: '4', TICK_INTERVAL_MS: '500' },
    }),
  ]);
  project.provide('stack', {
    cfg: db.cfg,
    readerCfg: roles.reader,
    writerCfg: roles.writer,
    dashboardUrl: dashboard.url,
    generatorUrl: generator.url,
    proxyUrl: db.proxy?.url ?? '',
  });
  return async () => {
    await Promise.allSettled([dashboard.stop(), generator.stop()]);
    await db.stop();
  };
}
