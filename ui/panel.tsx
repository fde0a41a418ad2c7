// The panel kit every dashboard panel is written with, the scenarios' and pg_trickle's alike:
// definePanel ties a panel's read to its drawing, tablePanel is the common one-query table, and
// `col` gives the columns one dialect.
import type { Row } from '../db';

export type { Row };

import { num, strOrNull } from '../db/values';
import { fmt } from './format';
import type { LoadedPanel, Panel, PanelDef } from './types';
import { type Column, Table } from './ui';

/** A panel whose typed data can also be shown without a database (tests, previews). */
export interface TypedPanel<D> extends Panel {
  show(data: D): LoadedPanel;
}

export function definePanel<D, R extends string = string>(def: PanelDef<D, R>): TypedPanel<D> {
  const { reads, build, render, ...meta } = def;
  const panel: TypedPanel<D> = {
    ...meta,
    show: (data) => ({ panel, data, render: (view) => render(data, view) }),
    reads: (ctx) => (typeof reads === 'function' ? reads(ctx) : reads),
    build: (rows, ctx) => panel.show(build(rows as Readonly<Record<R, Row[]>>, ctx)),
  };
  return panel;
}

/** The common panel: one read-only query, its rows as a table. */
export function tablePanel(def: {
  id: string;
  title: string;
  note?: string;
  span?: 1 | 2;
  sql: string;
  columns: Column<Row>[];
  empty?: string;
}): TypedPanel<Row[]> {
  const { sql, columns, empty, ...meta } = def;
  return definePanel({
    ...meta,
    reads: { rows: sql },
    build: (r) => r.rows,
    render: (rows) => <Table rows={rows} columns={columns} {...(empty ? { empty } : {})} />,
  });
}

type Key<R> = Extract<keyof R, string>;
type Extra<R> = Omit<Column<R>, 'label' | 'cell' | 'numeric'>;

const text = (v: unknown) => strOrNull(v) ?? '—';

/** A right-aligned column of a number, written by `write` (NULL counts as 0, as in sums). */
const numeric =
  (write: (n: number) => string) =>
  <R = Row>(label: string, key: Key<NoInfer<R>>, extra: Extra<R> = {}): Column<R> => ({
    label,
    numeric: true,
    cell: (r) => write(num(r[key])),
    ...extra,
  });

/** Columns by kind: a label, the field it shows, and how the field is written. */
export const col = {
  /** Text as stored (NULL as a dash). */
  text: <R = Row>(label: string, key: Key<NoInfer<R>>, extra: Extra<R> = {}): Column<R> => ({
    label,
    cell: (r) => text(r[key]),
    ...extra,
  }),
  /** A rank or id, right-aligned as stored. */
  rank: <R = Row>(label: string, key: Key<NoInfer<R>>): Column<R> => ({
    label,
    numeric: true,
    cell: (r) => text(r[key]),
  }),
  int: numeric(fmt.int),
  /** Dollars and cents. */
  money: numeric(fmt.money),
  /** Whole dollars. */
  money0: numeric(fmt.money0),
  /** A share already in percent units, unsigned: "12.3 %". */
  percent: numeric((n) => `${n.toFixed(1)} %`),
};
