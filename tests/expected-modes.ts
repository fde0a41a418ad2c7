import type { StreamTableDef } from '../scenarios/types';

/**
 * The effective mode each stream table refreshes in on pg_trickle, as the README states it: its
 * configured mode, except that a query ending in ORDER BY … LIMIT n is a top-K table, which the
 * engine recomputes on each refresh (effective mode TOP_K).
 */
export function expectedEngineMode(st: StreamTableDef): string {
  return /\bORDER BY\b[^()]*\bLIMIT\s+\d+\s*$/i.test(st.query) ? 'TOP_K' : st.refreshMode;
}
