import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Random } from './types';

/** Mixes (seed, cycle) into one 32-bit seed (murmur3's finaliser), so each tick has its own stream. */
export function tickSeed(seed: number, cycle: number): number {
  let h = (seed ^ Math.imul(cycle + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** A deterministic random source on pure-rand's xoroshiro128+. */
export function createRandom(seed: number): Random {
  const rng = xoroshiro128plus(seed);
  const next = () => (rng.next() >>> 0) / 0x100000000;
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted: (items, weight) => {
      const total = items.reduce((sum, item) => sum + weight(item), 0);
      let r = next() * total;
      for (const item of items) {
        r -= weight(item);
        if (r < 0) return item;
      }
      return random.pick(items);
    },
    chance: (p) => next() < p,
    normal: () => {
      const u = 1 - next(); // (0, 1]: log(0) never happens
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
  return random;
}
