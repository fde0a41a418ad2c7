// pg_trickle's refresh mode advisor, read through the demo's SECURITY DEFINER wrapper.
import { type AdviceRow, loadAdvice } from '../../db/pgtrickle/activity';
import { definePanel } from '../../scenarios/shared/panel';
import { type Column, Table } from '../../scenarios/shared/ui';
import { shortMode } from './format';
import { CompatNotice, nameCell } from './notes';

export const advisorPanel = definePanel<{ advice: AdviceRow[]; error: string | null }>({
  id: 'advisor',
  title: 'Refresh mode advisor',
  note: 'pgtrickle.recommend_refresh_mode()',
  load: (db) => loadAdvice(db),
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
