// One throwaway PostgreSQL 18 cluster, our proxy, the bootstrap and both Workers under
// `wrangler dev` (workerd), shared by the integration and browser tests. Each test file that
// needs data of its own bootstraps a database of its own on this cluster.
import type { TestProject } from 'vitest/node';
import type { DbConfig } from '../db';
import { dbVars, setupAll, startDatabase, startWrangler } from '../scripts/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { cfg: DbConfig; dashboardUrl: string; generatorUrl: string; proxyUrl: string };
  }
}

export default async function setup(project: TestProject) {
  const db = await startDatabase({});
  await setupAll(db.cfg);
  const vars = dbVars(db.cfg);
  const [dashboard, generator] = await Promise.all([
    startWrangler({ vars }),
    startWrangler({
      env: 'generator',
      testScheduled: true,
      vars: { ...vars, GENERATOR_RUN_SECONDS: '4', TICK_INTERVAL_MS: '500' },
    }),
  ]);
  project.provide('stack', {
    cfg: db.cfg,
    dashboardUrl: dashboard.url,
    generatorUrl: generator.url,
    proxyUrl: db.proxy?.url ?? '',
  });
  return async () => {
    await Promise.allSettled([dashboard.stop(), generator.stop()]);
    await db.stop();
  };
}
