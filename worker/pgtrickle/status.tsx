// The status of every stream table: configured mode, what its latest refresh did, schedule,
// health, age, rows changed and duration.

import type { Engine } from '../../db';
import { refreshDid, type StreamTableStatus } from '../../db/pgtrickle/status';
import { fmt } from '../../ui/format';
import { definePanel } from '../../ui/panel';
import { type Column, Table } from '../../ui/ui';
import type { ScenarioUrls } from '../../ui/urls';
import { msText, rowsText } from './format';
import { CompatNotice, DurationsNote } from './notes';

function statusColumns(engine: Engine, urls: ScenarioUrls): Column<StreamTableStatus>[] {
  return [
    {
      label: 'Stream table',
      cell: (r) => (
        <a href={urls.nodeSql(r.name)}>
          <code>{r.name}</code>
        </a>
      ),
    },
    {
      label: 'Mode',
      cell: (r) =>
        r.requestedMode ? (
          <span title={`asked for ${r.requestedMode}`}>{r.refreshMode}</span>
        ) : (
          r.refreshMode
        ),
    },
    {
      label: 'Did',
      cell: (r) => (
        <>
          {refreshDid(r) ?? '–'}
          {engine.kind === 'compat' ? (
            <span class="muted"> (compat)</span>
          ) : r.reason ? (
            <span class="muted"> {r.reason.toLowerCase()}</span>
          ) : null}
        </>
      ),
    },
    { label: 'Schedule', cell: (r) => r.schedule ?? 'calculated' },
    { label: 'Populated', cell: (r) => (r.isPopulated ? 'yes' : 'no') },
    {
      label: 'Status',
      cell: (r) => <span class={`status status-${r.status.toLowerCase()}`}>{r.status}</span>,
    },
    { label: 'Refreshed', cell: (r) => fmt.ago(r.lastRefreshAgeS) },
    {
      label: 'Rows changed',
      numeric: true,
      cell: (r) => rowsText(r.lastRowsInserted, r.lastRowsUpdated, r.lastRowsDeleted),
    },
    { label: 'ms', numeric: true, cell: (r) => msText(r.lastDurationMs) },
  ];
}

export const statusPanel = definePanel<StreamTableStatus[]>({
  id: 'status',
  title: 'Stream tables',
  note: 'pgtrickle.pgt_status() and pgt_refresh_history',
  span: 2,
  reads: {},
  build: (_rows, ctx) => [...ctx.status],
  render: (rows, { engine, urls }) => (
    <>
      <CompatNotice engine={engine}>
        Compatibility mode: this server has no pg_trickle, so every refresh is a full recomputation
        (action FULL), whatever mode a table is configured for. Row counts are the real differences
        between old and new contents.
      </CompatNotice>
      <DurationsNote engine={engine} />
      <Table rows={rows} columns={statusColumns(engine, urls)} empty="No stream tables found." />
    </>
  ),
});
