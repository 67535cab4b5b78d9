import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './local-dir.ts';

export interface SeedTarget {
  baseUrl: string;
  opsKey: string;
}

/** What seeding leaves behind: simulated traffic, if any, which must stop with the stack. */
export interface SeededDemo {
  stop?: () => Promise<void> | void;
}

export type SeedDemo = (target: SeedTarget) => Promise<SeededDemo | undefined>;

const seedModule = join(repoRoot, 'infra', 'src', 'demo', 'seed.ts');

/**
 * The demo city's `seedDemo` from infra/src/demo/seed.ts, or undefined while that module
 * does not exist yet. Loaded by path so the stack scripts do not depend on the demo at
 * compile time; errors inside the module are not hidden.
 */
export async function loadSeedDemo(): Promise<SeedDemo | undefined> {
  if (!existsSync(seedModule)) return undefined;
  const loaded = (await import(seedModule)) as { seedDemo?: unknown };
  if (typeof loaded.seedDemo !== 'function') {
    throw new Error(`${seedModule} does not export a seedDemo function`);
  }
  const seed = loaded.seedDemo as (target: SeedTarget) => Promise<unknown>;
  return async (target) => {
    const result = await seed(target);
    const stop = (result as SeededDemo | undefined)?.stop;
    return typeof stop === 'function' ? { stop: () => stop.call(result) } : undefined;
  };
}
