import * as z from 'zod/mini';
import type { Db } from '../../db';
import type { Generator, Random } from '../types';

/** Reference data a tick needs. Prices are the catalog's current prices. */
export interface World {
  customers: { id: number; country: string }[];
  products: { id: number; categoryId: number; basePrice: number; currentPrice: number }[];
}

export interface Order {
  customerId: number;
  productId: number;
  quantity: number;
  unitPrice: number;
  orderedAt: string;
}

export interface Writes {
  orders: Order[];
  reprices: { productId: number; price: number; at: string }[];
}

const StateSchema = z.object({
  cycle: z.number(),
  nextFlashCycle: z.number(),
  nextRepriceCycle: z.number(),
  flash: z.nullable(
    z.object({ categoryId: z.number(), remaining: z.number(), discount: z.number() }),
  ),
});
export type State = z.infer<typeof StateSchema>;

/** Target rates from the seed: one order a tick, a flash sale ≈ every 45, a reprice ≈ every 30. */
export const RATES = {
  flashEvery: [35, 55] as const,
  flashSize: [8, 18] as const,
  flashDiscount: [0.7, 0.9] as const,
  repriceEvery: [25, 35] as const,
  repriceRange: 0.2,
  priceNoise: 0.03,
};

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Popularity skew: some customers buy (and some products sell) clearly more, so the
 * leaderboards have a stable core while the tail changes places. The rank is a fixed shuffle of
 * the id ((id × 7) mod 31 runs through 1–30 once), so the leaders are not simply the first rows of
 * the seed; the weight falls from 1.1 for rank 1 to about 0.2.
 */
export const popularityRank = (id: number) => (id * 7) % 31;
export const popularity = (id: number) => 0.1 + 1 / (1 + (popularityRank(id) - 1) * 0.35);

function orderAt(rng: Random, world: World, productId: number, price: number, at: Date): Order {
  const customer = rng.weighted(world.customers, (c) => popularity(c.id));
  return {
    customerId: customer.id,
    productId,
    quantity: rng.int(1, 3),
    unitPrice: Math.max(0.01, round2(price)),
    orderedAt: at.toISOString(),
  };
}

/** The steady stream's order: a popular product at its current price, give or take a little. */
function ordinaryOrder(rng: Random, world: World, at: Date): Order {
  const product = rng.weighted(world.products, (p) => popularity(p.id));
  const noise = 1 + rng.float(-RATES.priceNoise, RATES.priceNoise);
  return orderAt(rng, world, product.id, product.currentPrice * noise, at);
}

/** `count` discounted orders in one category, a few milliseconds apart. */
function flashOrders(
  rng: Random,
  world: World,
  flash: { categoryId: number; discount: number },
  count: number,
  now: Date,
): Order[] {
  const inCategory = world.products.filter((p) => p.categoryId === flash.categoryId);
  return Array.from({ length: inCategory.length > 0 ? count : 0 }, (_, i) => {
    const p = rng.pick(inCategory);
    const at = new Date(now.getTime() + (i + 1) * 10);
    return orderAt(rng, world, p.id, p.currentPrice * flash.discount, at);
  });
}

function newFlash(rng: Random, world: World) {
  const categories = [...new Set(world.products.map((p) => p.categoryId))];
  return {
    categoryId: rng.pick(categories),
    remaining: rng.int(RATES.flashSize[0], RATES.flashSize[1]),
    discount: round2(rng.float(RATES.flashDiscount[0], RATES.flashDiscount[1])),
  };
}

/** One product moves to its base price ± up to 20 %. */
function reprice(rng: Random, world: World, now: Date) {
  const p = rng.pick(world.products);
  const factor = 1 + rng.float(-RATES.repriceRange, RATES.repriceRange);
  return {
    productId: p.id,
    price: Math.max(0.01, round2(p.basePrice * factor)),
    at: now.toISOString(),
  };
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

export const ecommerceGenerator: Generator<State, World, Writes> = {
  initialState: () => ({ cycle: 0, nextFlashCycle: 20, nextRepriceCycle: 10, flash: null }),

  parseState: (raw) => StateSchema.parse(raw),

  tick(state, world, rng, now) {
    const writes: Writes = { orders: [], reprices: [] };
    const next: State = { ...state, cycle: state.cycle + 1 };

    let moment: string | undefined;

    // The steady stream: one order a tick, popular products more often.
    writes.orders.push(ordinaryOrder(rng, world, now));

    // Flash sale: one category, 8-18 discounted orders spread over a few ticks.
    if (!next.flash && state.cycle >= state.nextFlashCycle) {
      next.flash = newFlash(rng, world);
      next.nextFlashCycle = state.cycle + rng.int(RATES.flashEvery[0], RATES.flashEvery[1]);
      moment = `Flash sale: ${next.flash.remaining} orders in category ${next.flash.categoryId} at ${pct(next.flash.discount)}`;
    }
    if (next.flash) {
      const flash = next.flash;
      const count = Math.min(flash.remaining, rng.int(3, 6));
      writes.orders.push(...flashOrders(rng, world, flash, count, now));
      const remaining = flash.remaining - count;
      next.flash = remaining > 0 ? { ...flash, remaining } : null;
    }

    // Reprice: one product moves to base price ± up to 20 %.
    if (state.cycle >= state.nextRepriceCycle) {
      const r = reprice(rng, world, now);
      writes.reprices.push(r);
      next.nextRepriceCycle = state.cycle + rng.int(RATES.repriceEvery[0], RATES.repriceEvery[1]);
      moment ??= `Reprice: product ${r.productId} to $${r.price.toFixed(2)}`;
    }
    return { state: next, writes, ...(moment ? { moment } : {}) };
  },

  tablesOf: (w) => [
    ...(w.orders.length > 0 ? ['orders'] : []),
    ...(w.reprices.length > 0 ? ['product_catalog'] : []),
  ],

  actions: [
    {
      id: 'place-order',
      title: 'Place an order',
      says: 'One order for a popular product: it reaches every table that reads orders.',
      make(world, rng, now) {
        const order = ordinaryOrder(rng, world, now);
        return {
          writes: { orders: [order], reprices: [] },
          label: `Order: ${order.quantity} × product ${order.productId} at $${order.unitPrice.toFixed(2)}`,
        };
      },
    },
    {
      id: 'flash-sale',
      title: 'Start a flash sale',
      says: '8–18 discounted orders in one category at once, as the generator’s own sales.',
      make(world, rng, now) {
        const flash = newFlash(rng, world);
        return {
          writes: { orders: flashOrders(rng, world, flash, flash.remaining, now), reprices: [] },
          label: `Flash sale: ${flash.remaining} orders in category ${flash.categoryId} at ${pct(flash.discount)}`,
        };
      },
    },
    {
      id: 'reprice',
      title: 'Reprice a product',
      says: 'One product to its base price ± 20 %: one row of catalog_price_impact changes.',
      make(world, rng, now) {
        const r = reprice(rng, world, now);
        return {
          writes: { orders: [], reprices: [r] },
          label: `Reprice: product ${r.productId} to $${r.price.toFixed(2)}`,
        };
      },
    },
  ],

  async loadWorld(db: Db) {
    const customers = await db.query('SELECT id, country FROM customers ORDER BY id');
    const products = await db.query(
      `SELECT p.id, p.category_id, p.base_price, pc.current_price
       FROM products p JOIN product_catalog pc ON pc.product_id = p.id ORDER BY p.id`,
    );
    return {
      customers: customers.map((r) => ({ id: Number(r.id), country: String(r.country) })),
      products: products.map((r) => ({
        id: Number(r.id),
        categoryId: Number(r.category_id),
        basePrice: Number(r.base_price),
        currentPrice: Number(r.current_price),
      })),
    };
  },

  updateWorld(world, writes) {
    const prices = new Map(writes.reprices.map((r) => [r.productId, r.price]));
    if (prices.size === 0) return world;
    return {
      ...world,
      products: world.products.map((p) => ({
        ...p,
        currentPrice: prices.get(p.id) ?? p.currentPrice,
      })),
    };
  },

  async apply(db: Db, writes: Writes) {
    if (writes.orders.length > 0) {
      const o = writes.orders;
      await db.query(
        `INSERT INTO orders (customer_id, product_id, quantity, unit_price, ordered_at)
         SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::numeric[], $5::timestamptz[])`,
        [
          o.map((x) => x.customerId),
          o.map((x) => x.productId),
          o.map((x) => x.quantity),
          o.map((x) => x.unitPrice),
          o.map((x) => x.orderedAt),
        ],
      );
    }
    for (const r of writes.reprices) {
      await db.query(
        'UPDATE product_catalog SET current_price = $2, updated_at = $3 WHERE product_id = $1',
        [r.productId, r.price, r.at],
      );
    }
    return writes.orders.length + writes.reprices.length;
  },
};
