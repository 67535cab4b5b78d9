/** Items done and the milliseconds they took. */
export interface Timed {
  count: number;
  ms: number;
  /**
   * The median rate over chunks of `chunk` items: on a shared machine a burst of someone
   * else's work slows a few chunks, not the median.
   */
  medianPerSecond: number;
}

const CLOCK_EVERY = 64;

/**
 * Runs `work` over `items`, pass after pass, until `passes` passes are done or `budgetMs` is
 * spent (checked every few dozen items, so a slow library still finishes in time).
 * Rates come from the items done, whole passes or not.
 */
export function timeBoxed<T>(
  items: readonly T[],
  work: (item: T, index: number) => void,
  options: { budgetMs: number; passes?: number; chunk?: number },
): Timed {
  const passes = options.passes ?? 1;
  // Chunks end where the clock is read anyway: a whole number of clock periods.
  const chunk = Math.max(1, Math.round((options.chunk ?? 2_048) / CLOCK_EVERY)) * CLOCK_EVERY;
  const chunkRates: number[] = [];
  const started = performance.now();
  let chunkStarted = started;
  let count = 0;
  const done = () => {
    const ms = performance.now() - started;
    return { count, ms, medianPerSecond: median(chunkRates) ?? (ms > 0 ? (count * 1000) / ms : 0) };
  };
  for (let pass = 0; pass < passes; pass += 1) {
    for (let i = 0; i < items.length; i += 1) {
      work(items[i]!, i);
      count += 1;
      if (count % CLOCK_EVERY !== 0) continue;
      const now = performance.now();
      if (count % chunk === 0) {
        chunkRates.push((chunk * 1000) / (now - chunkStarted));
        chunkStarted = now;
      }
      if (now - started > options.budgetMs) return done();
    }
  }
  return done();
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function perSecond(timed: Timed): number {
  return timed.ms > 0 ? (timed.count * 1000) / timed.ms : 0;
}

/** Every `n`-th item, so a sample spreads over the whole list. */
export function spread<T>(items: readonly T[], size: number): T[] {
  if (size >= items.length) return [...items];
  const stride = items.length / size;
  return Array.from({ length: size }, (_, i) => items[Math.floor(i * stride)]!);
}
