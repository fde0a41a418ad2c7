// Quiet moments for tests that time the page against the scheduler's passes. Every stack test
// file holds a shared advisory lock (on the stack's `postgres` database) for its whole run; a test
// that needs the scenario databases to itself (only its own writes, so only its own passes) takes
// the lock exclusively, waiting for the files running beside it to finish, and files starting
// meanwhile wait for it. A setup file of the stack project (vitest.config.ts); the one file that
// takes the lock exclusively opts out of the shared hold, or it would wait for itself.
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { type Connection, openDb } from '../db';
import '../local/driver';

const KEY = 4242_0001;
/** Files that take the lock exclusively in one of their tests. */
export const TAKES_QUIET = ['tests/browser/visitor.test.ts', 'tests/integration/actions.test.ts'];
/** How long a file or test may wait for the others. */
export const QUIET_WAIT_MS = 600_000;

async function lock(mode: 'shared' | 'exclusive'): Promise<Connection> {
  const { cfg } = inject('stack');
  const conn = await openDb(cfg, 'postgres', {
    statementTimeoutMs: QUIET_WAIT_MS,
    applicationName: 'pg_trickle_demo_tests_lock',
  });
  await conn.db.query(
    mode === 'shared' ? 'SELECT pg_advisory_lock_shared($1)' : 'SELECT pg_advisory_lock($1)',
    [KEY],
  );
  return conn;
}

/** Runs `fn` with no other stack test file running (see above). */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const conn = await lock('exclusive');
  try {
    return await fn();
  } finally {
    await conn.close();
  }
}

let held: Connection | undefined;
beforeAll(async () => {
  const path = expect.getState().testPath ?? '';
  if (TAKES_QUIET.some((f) => path.endsWith(f))) return;
  held = await lock('shared');
}, QUIET_WAIT_MS);
afterAll(async () => {
  await held?.close();
  held = undefined;
});
