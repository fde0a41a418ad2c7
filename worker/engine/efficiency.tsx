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
import { fmt } from '../../scenarios/shared/format';
import { definePanel } from '../../scenarios/shared/panel';
import { ChartData, type Column, Table } from '../../scenarios/shared/ui';
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
      cell: (r) => (r.avgChangeRatio === null ? '—' : r.avgChangeRatio.toFixed(3)),
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
  note: 'pgtrickle.refresh_efficiency() · refreshes per minute, last 15 min',
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
      <FallbackCaveat engine={engine} />
    </>
  ),
});
