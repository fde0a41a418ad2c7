// pg_trickle's refresh mode advisor, read through the demo's SECURITY DEFINER wrapper.
import type { Engine } from '../../db';
import {
  ADVICE_SQL,
  ADVICE_UNAVAILABLE,
  type AdviceRow,
  parseAdvice,
} from '../../db/pgtrickle/activity';
import { NO_ROWS_SQL } from '../../db/snapshot';
import { definePanel } from '../../ui/panel';
import { type Column, Table } from '../../ui/ui';
import { shortMode } from './format';
import { CompatNotice, nameCell } from './notes';

/** Whether this role may call the advisor's wrapper (else the panel says so, not an error). */
const mayAsk = (engine: Engine) => engine.kind !== 'none' && engine.features.advisor;

export const advisorPanel = definePanel<{ advice: AdviceRow[]; error: string | null }, 'advice'>({
  id: 'advisor',
  title: 'Refresh mode advisor',
  note: 'pgtrickle.recommend_refresh_mode() · read every 30 s',
  // It weighs each table's history (~60 ms on 0.67 with a day of it); its advice moves slowly.
  readEverySeconds: 30,
  // A row of its own: the engine's reasons run to a hundred characters a table.
  span: 2,
  reads: ({ engine }) => ({ advice: mayAsk(engine) ? ADVICE_SQL : NO_ROWS_SQL }),
  build: ({ advice }, { engine }) =>
    mayAsk(engine)
      ? { advice: parseAdvice(advice), error: null }
      : { advice: [], error: ADVICE_UNAVAILABLE },
  render: ({ advice, error }, { engine }) => {
    // One reason for every table (as in compatibility mode) is said once, not in every row.
    const reasons = new Set(advice.map((a) => a.reason));
    const shared = reasons.size === 1 ? [...reasons][0] : undefined;
    const columns: Column<AdviceRow>[] = [
      nameCell(),
      { label: 'Now', cell: (a) => <abbr title={a.currentMode}>{shortMode(a.currentMode)}</abbr> },
      {
        label: 'Last',
        cell: (a) =>
          a.effectiveMode ? <abbr title={a.effectiveMode}>{shortMode(a.effectiveMode)}</abbr> : '—',
      },
      { label: 'Advice', cell: (a) => <strong>{a.recommended}</strong> },
      { label: 'Confidence', cell: (a) => a.confidence },
      ...(shared
        ? []
        : [{ label: 'Why', cell: (a: AdviceRow) => a.reason, className: () => 'wrap' }]),
    ];
    return (
      <>
        <CompatNotice engine={engine}>
          Compatibility mode: the refresh mode advisor needs pg_trickle's change buffers, so it can
          only say KEEP here. With the extension it weighs change ratios and timings per table.
        </CompatNotice>
        {error ? <p class="notice">Advisor unavailable: {error}.</p> : null}
        {shared && engine.kind !== 'compat' ? <p class="note">{shared}</p> : null}
        {advice.length > 0 ? <Table rows={advice} columns={columns} /> : null}
      </>
    );
  },
});
