import type { Scenario } from '../types';
import { examples } from './examples';
import { fraudGenerator } from './generator';
import { panels } from './panels';
import { streamTables } from './stream-tables';

export const fraud: Scenario = {
  id: 'fraud',
  database: 'fraud_demo',
  title: 'Fraud detection',
  description:
    'Card transactions stream in about once a second, with suspicious bursts at Crypto and Gambling merchants, through 9 stream tables with a diamond.',
  streamTables,
  eventTables: [{ table: 'transactions', timeColumn: 'txn_at' }],
  generator: fraudGenerator,
  panels,
  examples,
};
