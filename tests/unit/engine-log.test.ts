import { describe, expect, it } from 'vitest';
import { durationsFromLog } from '../../bench/measure/engine-durations';

const log = `2026-11-27 14:24:00.605 UTC [21164] LOG:  pg_trickle: refreshed public.product_sales (NO_DATA, +0 -0 rows, 2ms)
2026-11-27 14:24:08.003 UTC [21251] LOG:  pg_trickle: refreshed public.product_sales (DIFFERENTIAL, +0 -0 rows, 19ms)
2026-11-27 14:24:28.632 UTC [21436] WARNING:  [pg_trickle] Falling back to FULL refresh for public.product_sales: aggregate saturation — 29 changes >= 15 groups.
2026-11-27 14:24:28.664 UTC [21436] LOG:  pg_trickle: refreshed public.product_sales (DIFFERENTIAL, +15 -0 rows, 59ms)
2026-11-27 14:24:29.000 UTC [21437] LOG:  pg_trickle: refreshed public.product_sales (DIFFERENTIAL, +1 -0 rows, 21ms)
2026-11-27 14:24:30.000 UTC [21438] LOG:  pg_trickle: refreshed public.orders_elsewhere (DIFFERENTIAL, +1 -0 rows, 5ms)
2026-11-27 14:20:00.000 UTC [21439] LOG:  pg_trickle: refreshed public.product_sales (DIFFERENTIAL, +1 -0 rows, 999ms)`;

describe("the engine's refresh timings from its server log", () => {
  it('splits a table’s refreshes into differential and announced FULL fallbacks, in the window only', () => {
    const [row, ...rest] = durationsFromLog(log, new Date('2026-11-27T14:24:00Z'), [
      'product_sales',
    ]);
    expect(rest).toEqual([]);
    expect(row?.table).toBe('product_sales');
    expect(row?.differential).toMatchObject({ n: 2, min: 19, max: 21 });
    expect(row?.full).toMatchObject({ n: 1, min: 59, max: 59 });
  });
});
