// `npm run db:setup`: bootstraps every scenario on the local embedded cluster (started for the
// occasion), or on the server named by DATABASE_URL (+ DB_WS_PROXY). Idempotent.

import { setupAll } from '../local/scenario-setup';
import { defaultDataDir, startDatabase } from '../local/stack';

const db = await startDatabase({
  dataDir: defaultDataDir(),
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(process.env.DB_WS_PROXY ? { wsProxy: process.env.DB_WS_PROXY } : {}),
});
try {
  for (const r of await setupAll(db.cfg)) {
    const engine =
      r.engine.kind === 'pg_trickle'
        ? `pg_trickle ${r.engine.version}`
        : r.engine.kind === 'compat'
          ? 'compatibility mode (full refresh only)'
          : 'none';
    console.log(
      `${r.database}: ${r.createdDatabase ? 'created' : 'exists'}; engine ${engine}; ` +
        `stream tables created: ${r.createdStreamTables.join(', ') || 'none (all present)'}`,
    );
    if (r.changedStreamTables.length > 0) {
      console.log(
        `  ${r.changedStreamTables.join(', ')} differed from their definitions: recreated, with what reads them`,
      );
    }
  }
} finally {
  await db.stop();
}
