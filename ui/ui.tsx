import type { Child } from 'hono/jsx';

export interface Column<R> {
  label: string;
  /** Right-align numbers. */
  numeric?: boolean;
  cell: (row: R) => Child;
  /** Extra class per cell, e.g. to highlight a change. */
  className?: (row: R) => string | undefined;
}

export function Table<R>(props: {
  rows: readonly R[];
  columns: readonly Column<R>[];
  empty?: string;
  /** A class for a whole row, e.g. a failed refresh. */
  rowClass?: (row: R) => string | undefined;
}) {
  if (props.rows.length === 0) return <p class="empty">{props.empty ?? 'No rows yet.'}</p>;
  // data-label: narrow screens draw each row as a card of "column: value" lines (app.css).
  return (
    <table>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th class={c.numeric ? 'num' : undefined} scope="col">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr class={props.rowClass?.(r)}>
            {props.columns.map((c) => {
              const cls = [c.numeric ? 'num' : '', c.className?.(r) ?? ''].join(' ').trim();
              return (
                <td class={cls || undefined} data-label={c.label}>
                  {c.cell(r)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Kpis(props: {
  items: { label: string; value: string; hint?: string | undefined }[];
}) {
  return (
    <dl class="kpis">
      {props.items.map((k) => (
        <div class="kpi">
          <dt>{k.label}</dt>
          <dd data-kpi={k.label}>{k.value}</dd>
          {k.hint ? <dd class="hint">{k.hint}</dd> : null}
        </div>
      ))}
    </dl>
  );
}

/**
 * Chart data for the canvas above the panel body, carried in an attribute (escaped by JSX, read
 * back by the browser as the same JSON) so no script is inlined and a strict CSP holds;
 * public/app.js reads it after each swap and updates the chart in place.
 */
export function ChartData(props: {
  labels: string[];
  /** `tone` colours a series by meaning (a CSS colour variable) instead of by position. */
  datasets: { label: string; data: number[]; tone?: 'up' | 'warn' | 'down' | 'accent' }[];
  unit?: string;
  /** Bars of the series stacked on one another. */
  stacked?: boolean;
  /** Whole counts: the axis ticks whole numbers, and lines between points never overshoot them. */
  counts?: boolean;
}) {
  return <div class="chart-data" hidden data-chart={JSON.stringify(props)} />;
}

/**
 * A moment from the database, written as a time of day (UTC) with the full timestamp in its
 * datetime attribute: the same text for every visitor, whatever their clock.
 */
export function ClockTime(props: { at: unknown }) {
  if (props.at === null || props.at === undefined) return <span>—</span>;
  const d = props.at instanceof Date ? props.at : new Date(String(props.at));
  if (Number.isNaN(d.getTime())) return <span>—</span>;
  const iso = d.toISOString();
  return <time datetime={iso}>{iso.slice(11, 19)}</time>;
}
