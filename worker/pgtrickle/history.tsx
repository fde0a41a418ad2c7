// The latest refreshes, newest first, with what each one did where the record says otherwise.
import { type HistoryRow, historySql, parseHistory } from '../../db/pgtrickle/activity';
import { featuresOf } from '../../db/pgtrickle/engine';
import { fmt } from '../../ui/format';
import { definePanel } from '../../ui/panel';
import { type Column, Table } from '../../ui/ui';
import { msText, rowsText, shortMode } from './format';
import { DurationsNote, FallbackCaveat, nameCell } from './notes';

const historyColumns: Column<HistoryRow>[] = [
  { label: 'When', cell: (r) => fmt.ago(r.ageS) },
  nameCell(),
  {
    label: 'Action',
    cell: (r) => (
      <>
        {r.did}
        {r.did !== r.action ? (
          <span class="muted" title="the action as the engine recorded it">
            {' '}
            (recorded {shortMode(r.action)})
          </span>
        ) : null}
        {r.reason ? <span class="muted"> {r.reason.toLowerCase()}</span> : null}
        {r.status === 'RUNNING' ? <span class="tag"> running</span> : null}
        {r.status === 'FAILED' ? (
          <span class="tag bad" title={r.error ?? ''}>
            {' '}
            failed
          </span>
        ) : null}
      </>
    ),
  },
  {
    label: 'Rows changed',
    numeric: true,
    cell: (r) => rowsText(r.rowsInserted, r.rowsUpdated, r.rowsDeleted),
  },
  { label: 'ms', numeric: true, cell: (r) => msText(r.durationMs) },
  { label: 'By', cell: (r) => r.initiatedBy?.toLowerCase() ?? '—', className: () => 'muted' },
];

export const historyPanel = definePanel<HistoryRow[], 'rows'>({
  id: 'history',
  title: 'Refresh history',
  span: 2,
  note: 'pgtrickle.pgt_refresh_history, newest first, NO_DATA rows left out',
  reads: ({ engine }) => ({ rows: historySql(featuresOf(engine)) }),
  build: (r) => parseHistory(r.rows),
  render: (rows, { engine }) => (
    <>
      <Table
        rows={rows}
        columns={historyColumns}
        rowClass={(r) => (r.status === 'FAILED' ? 'failed' : undefined)}
        empty="No refreshes yet."
      />
      <DurationsNote engine={engine} />
      <FallbackCaveat engine={engine} />
    </>
  ),
});
