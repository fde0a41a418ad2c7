import type { Scenario } from '../types';
import { examples } from './examples';
import { ecommerceGenerator } from './generator';
import { panels } from './panels';
import { streamTables } from './stream-tables';

export const ecommerce: Scenario = {
  id: 'ecommerce',
  database: 'ecommerce_demo',
  title: 'E-commerce analytics',
  description:
    'An online store: orders stream in about once a second, with flash sales and reprices, through 6 stream tables.',
  streamTables,
  eventTables: [{ table: 'orders', timeColumn: 'ordered_at' }],
  generator: ecommerceGenerator,
  panels,
  examples,
};
