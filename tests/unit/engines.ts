// Engine descriptions for rendering tests: what 0.108.3 (and the compatibility mode) record, and
// what 0.67.0 lacks.
import type { EngineFeatures } from '../../db/pgtrickle/engine';
import type { StreamTableStatus } from '../../db/pgtrickle/status';

export const ALL_FEATURES: EngineFeatures = {
  durationMs: true,
  rowsUpdated: true,
  refreshReason: true,
  requestedMode: true,
  fusedRecorded: true,
  advisor: true,
  proof: true,
  commitLatency: true,
  freshnessReport: true,
};

/** What 0.67.0 records (and what a missing engine offers). */
export { NO_FEATURES } from '../../db/pgtrickle/engine';

/** One stream table's status row as the engine reports it, with `over` changed. */
export const statusRow = (over: Partial<StreamTableStatus>): StreamTableStatus => ({
  name: 'customer_stats',
  status: 'ACTIVE',
  refreshMode: 'DIFFERENTIAL',
  requestedMode: null,
  effectiveMode: 'DIFFERENTIAL',
  reason: null,
  topK: false,
  schedule: '1s',
  isPopulated: true,
  consecutiveErrors: 0,
  lastRefreshAgeS: 0.5,
  lastAction: 'DIFFERENTIAL',
  lastRowsInserted: 1,
  lastRowsUpdated: null,
  lastRowsDeleted: 0,
  lastDurationMs: null,
  rowsHeld: 30,
  ...over,
});
