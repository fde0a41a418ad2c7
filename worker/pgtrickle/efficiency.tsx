// Refreshes per minute by kind, and per table the engine's efficiency figures, where they exist.
import type { Engine } from '../../db';
import {
  EFFICIENCY_SQL,
  type EfficiencyRow,
  parseEfficiency,
  parseSeries,
  SERIES_SQL,
  type SeriesPoint,
} from '../../db/pgtrickle/activity';
import { featuresOf } from '../../db/pgtrickle/engine';
import { fmt } from '../../ui/format';
import { definePanel } from '../../ui/panel';
import { ChartData, type Column, Table } from '../../ui/ui';
import { msText, shortMode } from './format';
import { CompatNotice, DurationsNote, FallbackCaveat, nameCell } from './notes';

function efficiencyColumns(engine: Engine): Column<EfficiencyRow>[] {
  const compat = engine.kind === 'compat';
  // No differential refresh happens in compatibility mode: nothing to count or time there.
  const na = (v: string) => (compat ? 'n/a' : v);
  return [
    nameCell(),
    {
      label: 'Mode',
      cell: (r) => {
        const did = r.topK ? 'TOP_K' : compat ? 'FULL' : r.effectiveMode;
        return (
          <>
            {shortMode(r.refreshMode)}
            {did && did !== r.refreshMode && did !== 'NO_DATA' ? (
              <span class="muted"> → {shortMode(did)}</span>
            ) : null}
          </>
        );
      },
    },
    { label: 'Total', numeric: true, cell: (r) => fmt.int(r.total) },
    { label: 'DIFF', numeric: true, cell: (r) => na(fmt.int(r.diffCount)) },
    { label: 'FULL', numeric: true, cell: (r) => fmt.int(r.fullCount) },
    { label: 'avg DIFF ms', numeric: true, cell: (r) => na(msText(r.avgDiffMs)) },
    { label: 'avg FULL ms', numeric: true, cell: (r) => msText(r.avgFullMs) },
    {
      label: 'Change ratio',
      numeric: true,
      cell: (r) =>
        r.avgChangeRatio === null ? (
          '—'
        ) : r.avgChangeRatio > 1 ? (
          <>
            {r.avgChangeRatio.toFixed(3)}
            <sup>¹</sup>
          </>
        ) : (
          r.avgChangeRatio.toFixed(3)
        ),
    },
    { label: 'Speedup', numeric: true, cell: (r) => na(r.speedup ?? '—') },
  ];
}

export const efficiencyPanel = definePanel<
  { rows: EfficiencyRow[]; series: SeriesPoint[] },
  'rows' | 'series'
>({
  id: 'efficiency',
  title: 'Refresh efficiency',
  note: 'pgtrickle.refresh_efficiency() · refreshes per minute, last 15 min · read every 30 s',
  // The engine's averages over its whole history: the costliest read of a snapshot (~60 ms on
  // 0.67 with a day of history), and they move slowly.
  readEverySeconds: 30,
  chart: 'line',
  span: 2,
  reads: { rows: EFFICIENCY_SQL, series: SERIES_SQL },
  build: (r, ctx) => ({
    rows: parseEfficiency(r.rows, featuresOf(ctx.engine)),
    series: parseSeries(r.series),
  }),
  render: ({ rows, series }, { engine }) => (
    <>
      <ChartData
        counts
        labels={series.map((p) => p.minute)}
        datasets={[
          { label: 'DIFFERENTIAL refreshes / min', data: series.map((p) => p.diff) },
          { label: 'FULL refreshes / min', data: series.map((p) => p.full) },
          // A fixed set of series per scenario (the chart is updated in place).
          ...(rows.some((r) => r.topK)
            ? [{ label: 'TOP_K recomputes / min', data: series.map((p) => p.topK) }]
            : []),
        ]}
      />
      <CompatNotice engine={engine}>
        Compatibility mode: no differential refresh happens here, so there is no DIFF time and no
        speedup to measure — those columns stay empty rather than show zeros. Change ratios are
        real: rows that changed per refresh over the rows in the table.
      </CompatNotice>
      <DurationsNote engine={engine} />
      <Table rows={rows} columns={efficiencyColumns(engine)} />
      {rows.some((r) => (r.avgChangeRatio ?? 0) > 1) ? <RatioAboveOne engine={engine} /> : null}
      <FallbackCaveat engine={engine} />
    </>
  ),
});

/**
 * Why a change ratio can exceed 1. pg_trickle's refresh_efficiency() (0.67's source, the newest we
 * could run) averages, over the last 100 refreshes, rows inserted + rows deleted divided by
 * PostgreSQL's estimate of the table's size (pg_class.reltuples, at least 1): a table not yet
 * analyzed has no estimate and counts as one row, and an updated row counts as one inserted and
 * one deleted. The compatibility mode divides rows changed (updated + the greater of inserted and
 * deleted) by the rows held after the refresh.
 */
function RatioAboveOne({ engine }: { engine: Engine }) {
  return (
    <p class="note">
      <sup>¹</sup>{' '}
      {engine.kind === 'compat'
        ? 'Above 1: a refresh changed more rows than the table held after it (the table shrank, or its rows were replaced).'
        : 'Above 1: the engine divides the rows a refresh inserted plus deleted by PostgreSQL’s estimate of the table’s size (pg_class.reltuples), which is 1 until the table is first analyzed, and it counts an updated row as one inserted and one deleted. A ratio above 1 says more rows moved than that estimate, not more than the table holds.'}
    </p>
  );
}
