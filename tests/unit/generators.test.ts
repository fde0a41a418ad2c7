// Fraud and finance generators: deterministic, and at the seed's rates.
import { describe, expect, it } from 'vitest';
import { type World as FinanceWorld, financeGenerator } from '../../scenarios/finance/generator';
import { TYPICAL_AMOUNT } from '../../scenarios/fraud/amounts';
import {
  burstAmount,
  type World as FraudWorld,
  fraudGenerator,
} from '../../scenarios/fraud/generator';
import { createRandom, tickSeed } from '../../scenarios/random';
import type { Generator } from '../../scenarios/types';

function run<S, W, X>(gen: Generator<S, W, X>, world: W, seed: number, ticks: number) {
  let state = gen.initialState();
  let w = world;
  const out: X[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < ticks; i++) {
    const r = gen.tick(state, w, createRandom(tickSeed(seed, i)), new Date(start + i * 1000));
    state = r.state;
    w = gen.updateWorld(w, r.writes);
    out.push(r.writes);
  }
  return { out, world: w, state };
}

const CATS = [
  'Retail',
  'Retail',
  'Electronics',
  'Electronics',
  'Travel',
  'Travel',
  'Gambling',
  'Gambling',
  'Crypto',
  'Crypto',
  'Food',
  'Food',
  'Food',
  'Pharmacy',
  'Pharmacy',
];
const fraudWorld: FraudWorld = {
  users: Array.from({ length: 30 }, (_, i) => ({ id: i + 1 })),
  merchants: CATS.map((category, i) => ({ id: i + 1, category, tier: 'STANDARD' as const })),
};

describe('fraud generator', () => {
  it('is deterministic for a seed', () => {
    expect(run(fraudGenerator, fraudWorld, 1, 200).out).toEqual(
      run(fraudGenerator, fraudWorld, 1, 200).out,
    );
    expect(run(fraudGenerator, fraudWorld, 1, 200).out).not.toEqual(
      run(fraudGenerator, fraudWorld, 2, 200).out,
    );
  });

  it('writes one ordinary transaction a tick plus bursts of 6–14 escalating ones at Crypto/Gambling ≈ every 45 s', () => {
    const { out } = run(fraudGenerator, fraudWorld, 3, 3600);
    const risky = new Set(
      fraudWorld.merchants
        .filter((m) => ['Crypto', 'Gambling'].includes(m.category))
        .map((m) => m.id),
    );
    // Group the extra (burst) transactions by user into bursts.
    const bursts: { user: number; amounts: number[]; merchants: number[] }[] = [];
    let current: (typeof bursts)[number] | undefined;
    for (const w of out) {
      const extra = w.transactions.slice(1);
      if (extra.length === 0) {
        current = undefined;
        continue;
      }
      if (!current || current.user !== extra[0]?.userId) {
        current = { user: extra[0]?.userId ?? 0, amounts: [], merchants: [] };
        bursts.push(current);
      }
      for (const t of extra) {
        current.amounts.push(t.amount / (TYPICAL_AMOUNT[CATS[t.merchantId - 1] ?? ''] ?? 1));
        current.merchants.push(t.merchantId);
      }
    }
    expect(bursts.length).toBeGreaterThan(60); // ≈ 3600 / 45 = 80
    expect(bursts.length).toBeLessThan(105);
    for (const b of bursts) {
      expect(b.amounts.length).toBeGreaterThanOrEqual(6);
      expect(b.amounts.length).toBeLessThanOrEqual(14);
      expect(b.merchants.every((m) => risky.has(m))).toBe(true);
      // Escalating: the last is the largest, about 4× typical; the first near typical.
      expect(b.amounts.at(-1)).toBeGreaterThan(3.5);
      expect(b.amounts[0]).toBeLessThan(1.5);
    }
    const ordinary = out.map((w) => w.transactions[0]);
    expect(ordinary.every((t) => t !== undefined)).toBe(true);
    expect(new Set(ordinary.map((t) => t?.userId)).size).toBe(30);
    expect(new Set(ordinary.map((t) => t?.merchantId)).size).toBe(15);
  });

  it('rotates one merchant tier STANDARD → ELEVATED → HIGH → STANDARD ≈ every 30 cycles', () => {
    const { out } = run(fraudGenerator, fraudWorld, 4, 3600);
    const tiers = out.flatMap((w) => w.tiers);
    expect(tiers.length).toBeGreaterThan(95);
    expect(tiers.length).toBeLessThan(150);
    const seen = new Map<number, string>();
    const order = { STANDARD: 'ELEVATED', ELEVATED: 'HIGH', HIGH: 'STANDARD' } as const;
    for (const t of tiers) {
      const prev = seen.get(t.merchantId) ?? 'STANDARD';
      expect(t.tier).toBe(order[prev as keyof typeof order]);
      seen.set(t.merchantId, t.tier);
    }
  });

  it('escalates a burst to 4× typical with the last two or three over the risk rule’s 3× line', () => {
    for (const n of [6, 10, 14]) {
      const over = Array.from({ length: n }, (_, k) => burstAmount('Crypto', k + 1, n, 1)).filter(
        (a) => a >= 3 * (TYPICAL_AMOUNT.Crypto ?? 0),
      );
      expect(over.length).toBeGreaterThanOrEqual(2);
      expect(over.length).toBeLessThanOrEqual(4);
    }
  });
});

const financeWorld: FinanceWorld = {
  accounts: Array.from({ length: 50 }, (_, i) => ({
    id: i + 1,
    portfolioId: Math.floor(i / 10) + 1,
  })),
  instruments: Array.from({ length: 30 }, (_, i) => ({
    id: i + 1,
    sectorId: (i % 8) + 1,
    assetClass:
      i % 10 === 3 ? 'Crypto' : i % 10 === 7 ? 'Bond' : i % 15 === 14 ? 'Commodity' : 'Equity',
    basePrice: 20 + i * 15,
    mid: 20 + i * 15,
  })),
};

describe('finance generator', () => {
  it('is deterministic for a seed', () => {
    expect(run(financeGenerator, financeWorld, 1, 200).out).toEqual(
      run(financeGenerator, financeWorld, 1, 200).out,
    );
  });

  it('moves one instrument per cycle, round-robin, with mean reversion keeping drift small', () => {
    const { out, world } = run(financeGenerator, financeWorld, 5, 3600);
    out.forEach((w, i) => {
      expect(w.quotes).toHaveLength(1);
      expect(w.quotes[0]?.instrumentId).toBe((i % 30) + 1);
      const q = w.quotes[0];
      if (q) expect(q.bid).toBeLessThan(q.ask);
    });
    for (const inst of world.instruments) {
      expect(Math.abs(inst.mid / inst.basePrice - 1)).toBeLessThan(0.05);
    }
  });

  it('trades about once a second over all 50 accounts and 30 instruments, a third sells, bursts ≈ every 60 s', () => {
    const { out } = run(financeGenerator, financeWorld, 6, 3600);
    const ordinary = out.map((w) => w.trades[0]).filter((t) => t !== undefined);
    expect(ordinary).toHaveLength(3600);
    expect(new Set(ordinary.map((t) => t.accountId)).size).toBe(50);
    expect(new Set(ordinary.map((t) => t.instrumentId)).size).toBe(30);
    const sells = ordinary.filter((t) => t.quantity < 0).length / ordinary.length;
    expect(sells).toBeGreaterThan(0.28);
    expect(sells).toBeLessThan(0.39);
    const burstTicks = out.map((w) => w.trades.length > 1);
    const bursts = burstTicks.filter((b, i) => b && !burstTicks[i - 1]).length;
    expect(bursts).toBeGreaterThan(40); // ≈ 3600 / 60
    expect(bursts).toBeLessThan(80);
    const burstTrades = out.flatMap((w) => w.trades.slice(1));
    expect(burstTrades.length / bursts).toBeGreaterThanOrEqual(8);
    expect(burstTrades.length / bursts).toBeLessThanOrEqual(20);
  });
});
