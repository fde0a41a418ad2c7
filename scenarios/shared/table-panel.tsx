import type { Db } from '../../db';
import type { Panel } from '../types';
import { type Column, Table } from './ui';

export type Row = Record<string, unknown>;

/** The common panel: one read-only query, its rows as a table. */
export function tablePanel(def: {
  id: string;
  title: string;
  note?: string;
  span?: 1 | 2;
  sql: string;
  columns: Column<Row>[];
  empty?: string;
}): Panel {
  return {
    id: def.id,
    title: def.title,
    ...(def.note ? { note: def.note } : {}),
    ...(def.span ? { span: def.span } : {}),
    load: (db: Db) => db.query(def.sql),
    render: (rows: Row[]) => (
      <Table rows={rows} columns={def.columns} {...(def.empty ? { empty: def.empty } : {})} />
    ),
  };
}
