// Engine descriptions for rendering tests: what 0.108.3 (and the compatibility mode) record, and
// what 0.67.0 lacks.
import type { EngineFeatures } from '../../db/engine';

export const ALL_FEATURES: EngineFeatures = {
  durationMs: true,
  rowsUpdated: true,
  refreshReason: true,
  requestedMode: true,
  fusedRecorded: true,
};

export const NO_FEATURES: EngineFeatures = {
  durationMs: false,
  rowsUpdated: false,
  refreshReason: false,
  requestedMode: false,
  fusedRecorded: false,
};
