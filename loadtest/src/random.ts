/**
 * A seeded pseudo-random source, so one seed always builds the same city, orders and all:
 * a benchmark figure can then be traced back to exactly the data that produced it.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A standard normal deviate (Box–Muller). */
  normal(): number;
}

export function seededRandom(seed: string): Random {
  const next = mulberry32(hashString(seed));
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    // 1 - next() is in (0, 1], so the logarithm is finite.
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}

/** FNV-1a over UTF-16 code units: a 32-bit seed that changes with every character. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: tiny, fast, and well enough distributed for synthetic cities. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws indices 0..n-1 with probability proportional to 1 / (i + 1)^exponent: index 0 is the
 * most popular. Binary search over the cumulative weights, O(log n) a draw.
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(
    readonly size: number,
    readonly exponent: number,
  ) {
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let i = 0; i < size; i += 1) {
      total += zipfWeight(i, exponent);
      this.cumulative[i] = total;
    }
  }

  draw(random: Random): number {
    const target = random.next() * this.cumulative[this.size - 1]!;
    let low = 0;
    let high = this.size - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid]! <= target) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

export function zipfWeight(index: number, exponent: number): number {
  return 1 / (index + 1) ** exponent;
}
