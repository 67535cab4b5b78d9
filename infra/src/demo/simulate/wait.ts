import type { Random } from '../random.ts';
import type { Delay } from './options.ts';

/** Resolves after `ms`, or at once when `signal` aborts (never rejects: loops just look at the signal). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A wait drawn uniformly from `[min, max]`. */
export function draw(delay: Delay, random: Random): number {
  return delay[0] + random.next() * (delay[1] - delay[0]);
}

/** Runs `tick` every `everyMs` until `signal` aborts; a tick that throws is logged, not fatal. */
export async function every(
  everyMs: number,
  signal: AbortSignal,
  tick: () => Promise<void>,
  log: (line: string) => void,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await tick();
    } catch (error) {
      if (!signal.aborted) log(`simulation step failed: ${(error as Error).stack ?? String(error)}`);
    }
    await sleep(everyMs, signal);
  }
}
