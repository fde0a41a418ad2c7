import * as z from 'zod/mini';
import type { Db } from '../../db';
import type { Generator, Random } from '../types';

export interface Instrument {
  id: number;
  sectorId: number;
  assetClass: string;
  basePrice: number;
  mid: number;
}

export interface World {
  accounts: { id: number; portfolioId: number }[];
  instruments: Instrument[];
}

export interface Trade {
  accountId: number;
  instrumentId: number;
  quantity: number;
  price: number;
  tradedAt: string;
}

export interface Quote {
  instrumentId: number;
  bid: number;
  ask: number;
  mid: number;
  at: string;
}

export interface Writes {
  trades: Trade[];
  quotes: Quote[];
}

const StateSchema = z.object({
  cycle: z.number(),
  priceCursor: z.number(),
  nextBurstCycle: z.number(),
  burst: z.nullable(
    z.object({
      accountId: z.number(),
      instrumentId: z.number(),
      side: z.number(),
      remaining: z.number(),
    }),
  ),
});
export type State = z.infer<typeof StateSchema>;

/** Target rates from the seed: a price tick and a trade per cycle, a burst ≈ every 60 s. */
export const RATES = {
  /** Gaussian step of the mid price, as a fraction of it. */
  priceSigma: 0.0015,
  /** Pull toward the base price per update (mean reversion). */
  reversion: 0.02,
  /** Half the bid/ask spread, as a fraction of mid. */
  halfSpread: 0.00025,
  sellShare: 1 / 3,
  /** Log-normal notional of an ordinary trade (USD). */
  notional: 20_000,
  burstEvery: [45, 75] as const,
  burstSize: [8, 20] as const,
  burstNotional: 30_000,
};

const SECTOR_TECH = 1;
const SECTOR_ENERGY = 4;
const SECTOR_UTILITIES = 8;

/**
 * How much each portfolio's accounts favour an instrument: every account trades every
 * instrument now and then, but a strategy shows in its book (and so in its VaR).
 */
export function preference(portfolioId: number, i: Instrument): number {
  switch (portfolioId) {
    case 1:
      return i.assetClass === 'Equity' ? 2 : 1;
    case 2:
      return i.sectorId === SECTOR_TECH ? 3 : i.assetClass === 'Equity' ? 1.5 : 0.7;
    case 3:
      return i.assetClass === 'Bond' ? 4 : i.sectorId === SECTOR_UTILITIES ? 2 : 0.6;
    case 4:
      return i.assetClass === 'Commodity'
        ? 3
        : i.sectorId === SECTOR_ENERGY || i.assetClass === 'Bond'
          ? 1.5
          : 0.7;
    default:
      return i.assetClass === 'Crypto' ? 4 : i.sectorId === SECTOR_TECH ? 1.5 : 0.6;
  }
}

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function quoteFor(mid: number): { bid: number; ask: number; mid: number } {
  const m = r4(mid);
  return { bid: r4(m * (1 - RATES.halfSpread)), ask: r4(m * (1 + RATES.halfSpread)), mid: m };
}

function trade(
  accountId: number,
  inst: Instrument,
  side: number,
  notional: number,
  at: string,
): Trade {
  const q = quoteFor(inst.mid);
  const size = Math.max(1, Math.round(notional / q.mid));
  return {
    accountId,
    instrumentId: inst.id,
    quantity: side * size,
    price: side > 0 ? q.ask : q.bid,
    tradedAt: at,
  };
}

/** `count` trades of a burst by one account on one instrument, 20 ms apart. */
function burstTrades(
  rng: Random,
  b: { accountId: number; side: number },
  target: Instrument | undefined,
  count: number,
  now: Date,
): Trade[] {
  const out: Trade[] = [];
  for (let k = 0; k < count && target; k++) {
    const n = RATES.burstNotional * rng.float(0.8, 1.2);
    out.push(
      trade(b.accountId, target, b.side, n, new Date(now.getTime() + 10 + k * 20).toISOString()),
    );
  }
  return out;
}

function newBurst(rng: Random, world: World) {
  const acct = rng.pick(world.accounts);
  const target = rng.weighted(world.instruments, (i) => preference(acct.portfolioId, i));
  return {
    accountId: acct.id,
    instrumentId: target.id,
    side: rng.chance(0.7) ? 1 : -1,
    remaining: rng.int(RATES.burstSize[0], RATES.burstSize[1]),
  };
}

export const financeGenerator: Generator<State, World, Writes> = {
  initialState: () => ({ cycle: 0, priceCursor: 0, nextBurstCycle: 20, burst: null }),

  parseState: (raw) => StateSchema.parse(raw),

  tick(state, world, rng, now) {
    const writes: Writes = { trades: [], quotes: [] };
    const next: State = { ...state, cycle: state.cycle + 1 };
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const instruments = [...world.instruments].sort((a, b) => a.id - b.id);

    // One price tick a cycle, round-robin: a Gaussian step with mean reversion to base.
    const inst = instruments[state.priceCursor % instruments.length];
    if (inst) {
      const step = RATES.priceSigma * rng.normal();
      const mid = inst.mid * (1 + step) + RATES.reversion * (inst.basePrice - inst.mid);
      writes.quotes.push({ instrumentId: inst.id, ...quoteFor(mid), at: at(0) });
    }
    next.priceCursor = (state.priceCursor + 1) % Math.max(1, instruments.length);
    // Trades in this tick see the new quote.
    const priced = financeGenerator.updateWorld(world, writes);

    // About one ordinary trade a cycle, over all accounts and instruments.
    const account = rng.pick(priced.accounts);
    const pick = rng.weighted(priced.instruments, (i) => preference(account.portfolioId, i));
    const side = rng.chance(RATES.sellShare) ? -1 : 1;
    const notional = RATES.notional * Math.exp(0.6 * rng.normal() - 0.18);
    writes.trades.push(trade(account.id, pick, side, notional, at(5)));

    // Algorithmic burst: one account, 8–20 trades in one instrument within a few seconds.
    let moment: string | undefined;
    if (!next.burst && state.cycle >= state.nextBurstCycle) {
      next.burst = newBurst(rng, priced);
      next.nextBurstCycle = state.cycle + rng.int(RATES.burstEvery[0], RATES.burstEvery[1]);
      moment = `Algorithmic burst: account ${next.burst.accountId}, ${next.burst.remaining} trades in instrument ${next.burst.instrumentId}`;
    }
    if (next.burst) {
      const b = next.burst;
      const target = priced.instruments.find((i) => i.id === b.instrumentId);
      const count = Math.min(b.remaining, rng.int(4, 7));
      writes.trades.push(...burstTrades(rng, b, target, count, now));
      next.burst = b.remaining - count > 0 ? { ...b, remaining: b.remaining - count } : null;
    }
    return { state: next, writes, ...(moment ? { moment } : {}) };
  },

  tablesOf: (w) => [
    ...(w.trades.length > 0 ? ['trades'] : []),
    ...(w.quotes.length > 0 ? ['market_prices'] : []),
  ],

  actions: [
    {
      id: 'market-shock',
      title: 'Shock one instrument',
      says: 'One instrument’s price jumps or drops 15–30 %: every position in it is revalued, down the chain as far as it changes something.',
      make(world, rng, now) {
        const inst = rng.pick(world.instruments);
        const move = rng.float(0.15, 0.3) * (rng.chance(0.5) ? 1 : -1);
        const q = {
          instrumentId: inst.id,
          ...quoteFor(inst.mid * (1 + move)),
          at: now.toISOString(),
        };
        return {
          writes: { trades: [], quotes: [q] },
          label: `Market shock: instrument ${inst.id} ${move > 0 ? '+' : ''}${(move * 100).toFixed(1)} %`,
        };
      },
    },
    {
      id: 'algo-burst',
      title: 'Fire an algorithmic burst',
      says: 'One account fires 8–20 trades in one instrument at once.',
      make(world, rng, now) {
        const b = newBurst(rng, world);
        const target = world.instruments.find((i) => i.id === b.instrumentId);
        return {
          writes: { trades: burstTrades(rng, b, target, b.remaining, now), quotes: [] },
          label: `Algorithmic burst: account ${b.accountId}, ${b.remaining} trades in instrument ${b.instrumentId}`,
        };
      },
    },
  ],

  updateWorld(world, writes) {
    if (writes.quotes.length === 0) return world;
    const mids = new Map(writes.quotes.map((q) => [q.instrumentId, q.mid]));
    return {
      ...world,
      instruments: world.instruments.map((i) => ({ ...i, mid: mids.get(i.id) ?? i.mid })),
    };
  },

  async loadWorld(db: Db) {
    const accounts = await db.query('SELECT id, portfolio_id FROM accounts ORDER BY id');
    const instruments = await db.query(
      `SELECT i.id, i.sector_id, i.asset_class, i.base_price, mp.mid
       FROM instruments i JOIN market_prices mp ON mp.instrument_id = i.id ORDER BY i.id`,
    );
    return {
      accounts: accounts.map((r) => ({ id: Number(r.id), portfolioId: Number(r.portfolio_id) })),
      instruments: instruments.map((r) => ({
        id: Number(r.id),
        sectorId: Number(r.sector_id),
        assetClass: String(r.asset_class),
        basePrice: Number(r.base_price),
        mid: Number(r.mid),
      })),
    };
  },

  async apply(db: Db, writes: Writes) {
    for (const q of writes.quotes) {
      await db.query(
        'UPDATE market_prices SET bid = $2, ask = $3, mid = $4, updated_at = $5 WHERE instrument_id = $1',
        [q.instrumentId, q.bid, q.ask, q.mid, q.at],
      );
    }
    const t = writes.trades;
    if (t.length > 0) {
      await db.query(
        `INSERT INTO trades (account_id, instrument_id, quantity, price, traded_at)
         SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::numeric[], $5::timestamptz[])`,
        [
          t.map((x) => x.accountId),
          t.map((x) => x.instrumentId),
          t.map((x) => x.quantity),
          t.map((x) => x.price),
          t.map((x) => x.tradedAt),
        ],
      );
    }
    return t.length + writes.quotes.length;
  },
};
