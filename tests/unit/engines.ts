// Engine descriptions for rendering tests: what 0.108.3 (and the compatibility mode) record, and
// what 0.67.0 lacks.
import type { EngineFeatures } from '../../db/pgtrickle/engine';

export const ALL_FEATURES: EngineFeatures = {
  durationMs: true,
  rowsUpdated: true,
  refreshReason: true,
  requestedMode: true,
  fusedRecorded: true,
  advisor: true,
  proof: true,
};

/** What 0.67.0 records (and what a missing engine offers). */
export { NO_FEATURES } from '../../db/pgtrickle/engine';
