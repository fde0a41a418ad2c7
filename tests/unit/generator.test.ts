import { describe, expect, it } from 'vitest';
import {
  ecommerceGenerator,
  popularityRank,
  type State,
  type World,
} from '../../scenarios/ecommerce/generator';
import { createRandom, tickSeed } from '../../scenarios/random';

const world: World = {
  customers: Array.from({ length: 30 }, (_, i) => ({ id: i + 1, country: 'US' })),
  products: Array.from({ length: 15 }, (_, i) => ({
    id: i + 1,
    categoryId: (i % 8) + 1,
    basePrice: 10 + i * 10,
    currentPrice: 10 + i * 10,
  })),
};

/** Runs `ticks` ticks from the initial state on a simulated clock, as the cron run would. */
function simulate(seed: number, ticks: number) {
  let state: State = ecommerceGenerator.initialState();
  let w = world;
  const all = [];
  const start = Date.UTC(2026, 0, 1);
  for (let cycle = 0; cycle < ticks; cycle++) {
    const rng = createRandom(tickSeed(seed, cycle));
    const out = ecommerceGenerator.tick(state, w, rng, new Date(start + cycle * 1000));
    state = out.state;
    w = ecommerceGenerator.updateWorld(w, out.writes);
    all.push(out.writes);
  }
  return { all, state, world: w };
}

describe('ecommerce generator', () => {
  it('is deterministic for a given seed and differs across seeds', () => {
    const a = simulate(42, 300);
    const b = simulate(42, 300);
    const c = simulate(43, 300);
    expect(a.all).toEqual(b.all);
    expect(a.all).not.toEqual(c.all);
  });

  it('produces about one order a second plus flash sales and reprices at the seed rates', () => {
    const hour = 3600;
    const { all } = simulate(7, hour);
    const orders = all.flatMap((w) => w.orders);
    const reprices = all.flatMap((w) => w.reprices);
    // 1/s steady + flash sales (≈ 80 an hour × 13 orders) ≈ 1.3 orders a second.
    expect(orders.length / hour).toBeGreaterThan(1.1);
    expect(orders.length / hour).toBeLessThan(1.6);
    // Reprice every 25–35 cycles ≈ 120 an hour.
    expect(reprices.length).toBeGreaterThan(95);
    expect(reprices.length).toBeLessThan(150);
    // Flash sales: runs of discounted orders; count their starts (≈ every 45 s → ≈ 80).
    const flashTicks = all.map((w) => w.orders.length > 1);
    const starts = flashTicks.filter((f, i) => f && !flashTicks[i - 1]).length;
    expect(starts).toBeGreaterThan(60);
    expect(starts).toBeLessThan(105);
  });

  it('spreads orders over every customer and product, with a skew', () => {
    const { all } = simulate(11, 3600);
    const orders = all.flatMap((w) => w.orders);
    const byCustomer = new Map<number, number>();
    for (const o of orders) byCustomer.set(o.customerId, (byCustomer.get(o.customerId) ?? 0) + 1);
    expect(byCustomer.size).toBe(30);
    expect(new Set(orders.map((o) => o.productId)).size).toBe(15);
    // The most popular customer (rank 1: id 9) buys far more than the least (rank 30: id 22).
    expect(popularityRank(9)).toBe(1);
    expect(popularityRank(22)).toBe(30);
    expect(byCustomer.get(9) ?? 0).toBeGreaterThan(2 * (byCustomer.get(22) ?? 0));
    for (const o of orders) {
      expect(o.quantity).toBeGreaterThanOrEqual(1);
      expect(o.quantity).toBeLessThanOrEqual(3);
    }
  });

  it('prices flash-sale orders at 70–90 % and reprices within ±20 % of base', () => {
    const { all } = simulate(5, 1800);
    let sawDiscount = false;
    let current = new Map(world.products.map((p) => [p.id, p.currentPrice]));
    for (const w of all) {
      for (const o of w.orders.slice(1)) {
        const ratio = o.unitPrice / (current.get(o.productId) ?? 1);
        expect(ratio).toBeGreaterThanOrEqual(0.69);
        expect(ratio).toBeLessThanOrEqual(0.91);
        sawDiscount = true;
      }
      for (const r of w.reprices) {
        const base = world.products.find((p) => p.id === r.productId)?.basePrice ?? 0;
        expect(Math.abs(r.price / base - 1)).toBeLessThanOrEqual(0.2001);
        current = new Map(current).set(r.productId, r.price);
      }
    }
    expect(sawDiscount).toBe(true);
  });

  it('round-trips its state through JSON, as it is stored in the database', () => {
    const { state } = simulate(3, 100);
    expect(ecommerceGenerator.parseState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(() => ecommerceGenerator.parseState({ cycle: 'x' })).toThrow();
  });
});
