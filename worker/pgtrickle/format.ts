// How pg_trickle's own figures are written on the page, the same in every panel: a value the
// engine did not record is said to be missing, never drawn as 0.
import type { Engine } from '../../db';
import { fmt } from '../../ui/format';

/** Said once under a panel whose durations the engine does not record. */
export const DURATIONS_NOT_RECORDED =
  'Refresh durations: not recorded by this version of pg_trickle (it stamps a refresh’s start ' +
  'and end with the same clock reading, and has no duration_ms).';

export function durationsRecorded(engine: Engine): boolean {
  return engine.kind !== 'none' && engine.features.durationMs;
}

/** Milliseconds, or a dash where there is no figure (the panel says why). */
export function msText(v: number | null): string {
  return v === null ? '—' : v < 10 ? v.toFixed(1) : fmt.int(v);
}

/** "+3 / −1", "+0 ~2 −0" where updates are counted apart, "—" while unknown (RUNNING). */
export function rowsText(ins: number | null, upd: number | null, del: number | null): string {
  if (ins === null && del === null && upd === null) return '—';
  const i = ins === null ? '?' : fmt.int(ins);
  const d = del === null ? '?' : fmt.int(del);
  return upd === null ? `+${i} / −${d}` : `+${i} ~${fmt.int(upd)} −${d}`;
}

export const shortMode = (mode: string | null) =>
  mode === null ? '—' : mode === 'DIFFERENTIAL' ? 'DIFF' : mode;
