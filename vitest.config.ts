import { defineConfig } from 'vitest/config';

// Two projects by cost. `unit`: in-process, no database, no wrangler, no browser
// (npx vitest run --project unit). `stack`: one embedded PostgreSQL 18, our proxy and both
// Workers under wrangler dev, shared by the integration and browser tests (tests/global-setup.ts);
// the engine suite (tests/pgtrickle) runs here too, against a server given in PGTRICKLE_TEST_URL.
export default defineConfig({
  test: {
    // Two cores here: stack files share one PostgreSQL and two wrangler dev processes.
    maxWorkers: 2,
    // The JSON report lets .ci/run print a plain 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}', 'tests/docker/compose.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['tests/**/*.test.{ts,tsx}'],
          exclude: ['tests/unit/**', 'tests/docker/compose.test.ts'],
          globalSetup: ['tests/global-setup.ts'],
          // A shared lock per file, so that a test can have the databases to itself (quietly()).
          setupFiles: ['tests/stack-lock.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
