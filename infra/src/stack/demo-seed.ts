import { join } from 'node:path';
import { localLayout } from './local-dir.ts';
import { say } from './say.ts';

export interface SeedTarget {
  baseUrl: string;
  opsKey: string;
}

export type SeedDemo = (target: SeedTarget) => Promise<void>;

/**
 * The demo city's seeder (infra/src/demo), loaded only when the demo is wanted, so
 * `--no-demo` starts even while the demo code is being changed. Progress goes to stderr
 * with the other stack lines.
 */
export async function loadSeedDemo(): Promise<SeedDemo> {
  const { seedDemo } = await import('../demo/index.ts');
  return async (target) => {
    const result = await seedDemo({ ...target, log: (line) => say(`demo: ${line}`) });
    say(`demo: seeded ${result.sites} sites (${result.stores} stores, ${result.providers} providers)`);
  };
}

export interface DemoSimulation {
  stop(): Promise<void>;
}

/** Where the simulation keeps the keys of its couriers, lockers, platform and sites between runs. */
export function demoKeysFile(layout = localLayout()): string {
  return join(layout.root, 'demo-keys.json');
}

/**
 * Simulated traffic on the seeded demo city (infra/src/demo/simulate): customers, stores,
 * couriers and lockers acting through the public API, so the demo shows orders delivered and
 * collected. Status lines go to stderr. If it cannot start, the stack runs on without it.
 */
export async function startDemoSimulation(target: SeedTarget): Promise<DemoSimulation | undefined> {
  try {
    const [{ loadEdinburghCity }, { startSimulation }] = await Promise.all([
      import('../demo/index.ts'),
      import('../demo/simulate/index.ts'),
    ]);
    return startSimulation({
      ...target,
      city: await loadEdinburghCity(),
      keysFile: demoKeysFile(),
      log: (line) => say(`demo: ${line}`),
    });
  } catch (error) {
    say(`demo: the simulation did not start: ${(error as Error).message}`);
    return undefined;
  }
}
