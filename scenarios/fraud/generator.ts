import * as z from 'zod/mini';
import type { Db } from '../../db';
import type { Generator, Random } from '../types';
import { RISKY_CATEGORIES, TYPICAL_AMOUNT } from './amounts';

const TierSchema = z.enum(['STANDARD', 'ELEVATED', 'HIGH']);
export type Tier = z.infer<typeof TierSchema>;

export interface World {
  users: { id: number }[];
  merchants: { id: number; category: string; tier: Tier }[];
}

export interface Txn {
  userId: number;
  merchantId: number;
  amount: number;
  txnAt: string;
}

export interface Writes {
  transactions: Txn[];
  tiers: { merchantId: number; tier: Tier; at: string }[];
}

const StateSchema = z.object({
  cycle: z.number(),
  nextBurstCycle: z.number(),
  nextRotationCycle: z.number(),
  burst: z.nullable(z.object({ userId: z.number(), size: z.number(), done: z.number() })),
});
export type State = z.infer<typeof StateSchema>;

/** Target rates from the seed: a transaction a tick, a burst ≈ every 45, a tier rotation ≈ 30. */
export const RATES = {
  burstEvery: [35, 55] as const,
  burstSize: [6, 14] as const,
  rotationEvery: [25, 35] as const,
  /** Log-normal spread of ordinary amounts around the category's typical one. */
  sigma: 0.5,
};

const NEXT_TIER: Record<Tier, Tier> = { STANDARD: 'ELEVATED', ELEVATED: 'HIGH', HIGH: 'STANDARD' };

const round2 = (x: number) => Math.max(0.01, Math.round(x * 100) / 100);

/** An ordinary amount: log-normal around the category's typical amount, mean preserved. */
function ordinaryAmount(rng: Random, category: string): number {
  const typical = TYPICAL_AMOUNT[category] ?? 50;
  return round2(typical * Math.exp(RATES.sigma * rng.normal() - (RATES.sigma * RATES.sigma) / 2));
}

/**
 * The k-th of n burst transactions (1-based) escalates to 4× the category's typical amount:
 * typical × (1 + 3 (k/n)²), so the last two or three cross the risk rule's 3× line.
 */
export function burstAmount(category: string, k: number, n: number, noise: number): number {
  const typical = TYPICAL_AMOUNT[category] ?? 100;
  return round2(typical * (1 + 3 * (k / n) ** 2) * noise);
}

/** Transactions k = from+1 … from+count of an n-transaction burst by one user at risky merchants. */
function burstTxns(
  rng: Random,
  world: World,
  b: { userId: number; size: number },
  from: number,
  count: number,
  now: Date,
): Txn[] {
  const risky = world.merchants.filter((m) =>
    (RISKY_CATEGORIES as readonly string[]).includes(m.category),
  );
  const out: Txn[] = [];
  for (let i = 1; i <= count; i++) {
    const m = rng.pick(risky);
    out.push({
      userId: b.userId,
      merchantId: m.id,
      amount: burstAmount(m.category, from + i, b.size, rng.float(0.95, 1.05)),
      txnAt: new Date(now.getTime() + i * 50).toISOString(),
    });
  }
  return out;
}

/** One merchant moves STANDARD → ELEVATED → HIGH → STANDARD. */
function rotation(rng: Random, world: World, now: Date) {
  const m = rng.pick(world.merchants);
  return { merchantId: m.id, tier: NEXT_TIER[m.tier], at: now.toISOString() };
}

export const fraudGenerator: Generator<State, World, Writes> = {
  initialState: () => ({ cycle: 0, nextBurstCycle: 15, nextRotationCycle: 10, burst: null }),

  parseState: (raw) => StateSchema.parse(raw),

  tick(state, world, rng, now) {
    const writes: Writes = { transactions: [], tiers: [] };
    const next: State = { ...state, cycle: state.cycle + 1 };
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();

    // The steady stream: one ordinary transaction a tick.
    const user = rng.pick(world.users);
    const merchant = rng.pick(world.merchants);
    writes.transactions.push({
      userId: user.id,
      merchantId: merchant.id,
      amount: ordinaryAmount(rng, merchant.category),
      txnAt: at(0),
    });

    // Suspicious burst: one user, 6–14 rapid transactions at Crypto/Gambling merchants with
    // escalating amounts, spread over a few ticks.
    let moment: string | undefined;
    if (!next.burst && state.cycle >= state.nextBurstCycle) {
      next.burst = {
        userId: rng.pick(world.users).id,
        size: rng.int(RATES.burstSize[0], RATES.burstSize[1]),
        done: 0,
      };
      next.nextBurstCycle = state.cycle + rng.int(RATES.burstEvery[0], RATES.burstEvery[1]);
      moment = `Suspicious burst: user ${next.burst.userId}, ${next.burst.size} transactions`;
    }
    if (next.burst) {
      const b = next.burst;
      const count = Math.min(b.size - b.done, rng.int(3, 5));
      writes.transactions.push(...burstTxns(rng, world, b, b.done, count, now));
      const done = b.done + count;
      next.burst = done < b.size ? { ...b, done } : null;
    }

    // Tier rotation: one merchant moves STANDARD → ELEVATED → HIGH → STANDARD.
    if (state.cycle >= state.nextRotationCycle) {
      const r = rotation(rng, world, now);
      writes.tiers.push(r);
      next.nextRotationCycle =
        state.cycle + rng.int(RATES.rotationEvery[0], RATES.rotationEvery[1]);
      moment ??= `Tier rotation: merchant ${r.merchantId} to ${r.tier}`;
    }
    return { state: next, writes, ...(moment ? { moment } : {}) };
  },

  tablesOf: (w) => [
    ...(w.transactions.length > 0 ? ['transactions'] : []),
    ...(w.tiers.length > 0 ? ['merchant_risk_tier'] : []),
  ],

  actions: [
    {
      id: 'suspicious-burst',
      title: 'Fire a suspicious burst',
      says: 'One user, 6–14 fast transactions at Crypto and Gambling merchants, escalating.',
      make(world, rng, now) {
        const b = {
          userId: rng.pick(world.users).id,
          size: rng.int(RATES.burstSize[0], RATES.burstSize[1]),
        };
        return {
          writes: { transactions: burstTxns(rng, world, b, 0, b.size, now), tiers: [] },
          label: `Suspicious burst: user ${b.userId}, ${b.size} transactions`,
        };
      },
    },
    {
      id: 'rotate-tier',
      title: 'Rotate a merchant’s tier',
      says: 'One merchant moves up a risk tier (HIGH goes back to STANDARD).',
      make(world, rng, now) {
        const r = rotation(rng, world, now);
        return {
          writes: { transactions: [], tiers: [r] },
          label: `Tier rotation: merchant ${r.merchantId} to ${r.tier}`,
        };
      },
    },
  ],

  updateWorld(world, writes) {
    if (writes.tiers.length === 0) return world;
    const tiers = new Map(writes.tiers.map((t) => [t.merchantId, t.tier]));
    return {
      ...world,
      merchants: world.merchants.map((m) => ({ ...m, tier: tiers.get(m.id) ?? m.tier })),
    };
  },

  async loadWorld(db: Db) {
    const users = await db.query('SELECT id FROM users ORDER BY id');
    const merchants = await db.query(
      `SELECT m.id, m.category, rt.tier FROM merchants m
       JOIN merchant_risk_tier rt ON rt.merchant_id = m.id ORDER BY m.id`,
    );
    return {
      users: users.map((r) => ({ id: Number(r.id) })),
      merchants: merchants.map((r) => ({
        id: Number(r.id),
        category: String(r.category),
        tier: TierSchema.parse(r.tier),
      })),
    };
  },

  async apply(db: Db, writes: Writes) {
    const t = writes.transactions;
    if (t.length > 0) {
      await db.query(
        `INSERT INTO transactions (user_id, merchant_id, amount, txn_at)
         SELECT * FROM unnest($1::int[], $2::int[], $3::numeric[], $4::timestamptz[])`,
        [
          t.map((x) => x.userId),
          t.map((x) => x.merchantId),
          t.map((x) => x.amount),
          t.map((x) => x.txnAt),
        ],
      );
    }
    for (const r of writes.tiers) {
      await db.query(
        'UPDATE merchant_risk_tier SET tier = $2, updated_at = $3 WHERE merchant_id = $1',
        [r.merchantId, r.tier, r.at],
      );
    }
    return t.length + writes.tiers.length;
  },
};
