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
