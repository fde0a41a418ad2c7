// What the engine panels say about figures that cannot exist on this engine, instead of zeros.
import type { Engine } from '../../db';
import type { Column } from '../../ui/ui';
import { DURATIONS_NOT_RECORDED, durationsRecorded } from './format';

/** Said under a panel in compatibility mode, where a figure cannot exist. */
export function CompatNotice(props: { engine: Engine; children: unknown }) {
  return props.engine.kind === 'compat' ? <p class="notice">{props.children}</p> : null;
}

/** Said under a panel whose durations this engine does not record (0.67). */
export function DurationsNote(props: { engine: Engine }) {
  return props.engine.kind === 'pg_trickle' && !durationsRecorded(props.engine) ? (
    <p class="note">{DURATIONS_NOT_RECORDED}</p>
  ) : null;
}

/** pg_trickle before refresh_reason (0.67) records an adaptive FULL fallback as DIFFERENTIAL. */
export function FallbackCaveat(props: { engine: Engine }) {
  return props.engine.kind === 'pg_trickle' && !props.engine.features.refreshReason ? (
    <p class="note">
      This pg_trickle version records an adaptive fallback to FULL as DIFFERENTIAL in its history;
      what each table’s latest refresh really did is its effective mode (“Did” in the status table
      and in the latest row here). Top-K tables recompute their top K on every refresh (TOP_K).
    </p>
  ) : null;
}

/** The first column of every engine table. */
export const nameCell = <R extends { name: string }>(): Column<R> => ({
  label: 'Stream table',
  cell: (r) => <code>{r.name}</code>,
});
