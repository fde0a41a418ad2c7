import type { Scenario } from '../types';
import { examples } from './examples';
import { financeGenerator } from './generator';
import { panels } from './panels';
import { streamTables } from './stream-tables';

export const finance: Scenario = {
  id: 'finance',
  database: 'finance_demo',
  title: 'Financial risk',
  description:
    'Trades and price ticks stream in every second through 11 stream tables, a 10-level chain from positions to a capital breach dashboard.',
  streamTables,
  eventTables: [{ table: 'trades', timeColumn: 'traded_at' }],
  generator: financeGenerator,
  panels,
  examples,
};
