import { z } from 'zod';

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const seconds = (min: number, max: number) => z.coerce.number().min(min).max(max);

/**
 * The bench's knobs, all optional: the defaults are the measured configuration
 * (docs/BENCHMARKS.md). Every phase stays bounded whatever is set here.
 */
const benchEnv = z
  .object({
    BENCH_ONLY: z.enum(['all', 'routing', 'e2e']).default('all'),
    BENCH_SEED: z.string().min(1).default('quarterhour-bench-1'),
    BENCH_STORES: count(100, 100_000).default(20_000),
    /** Orders of the in-process benchmark. */
    BENCH_ORDERS: count(1_000, 1_000_000).default(100_000),
    /** Orders the brute-force baseline routes (and the agreement check covers). */
    BENCH_BRUTE_ORDERS: count(100, 100_000).default(2_000),
    /** Longest the timed in-process passes may take together. */
    BENCH_ROUTING_BUDGET_S: seconds(1, 30).default(20),
    BENCH_DURATION_S: seconds(1, 30).default(15),
    BENCH_WARMUP_S: seconds(0, 30).default(3),
    BENCH_CONNECTIONS: count(1, 1_000).default(50),
    /** A profiled load phase against the intake after the measured one; 0 skips it. */
    BENCH_PROFILE_S: seconds(0, 30).default(10),
    BENCH_DATABASE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain lower-case PostgreSQL name')
      .default('quarterhour_bench'),
    DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/quarterhour'),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379/0'),
  })
  .transform((env) => ({
    only: env.BENCH_ONLY,
    seed: env.BENCH_SEED,
    stores: env.BENCH_STORES,
    orders: env.BENCH_ORDERS,
    bruteOrders: Math.min(env.BENCH_BRUTE_ORDERS, env.BENCH_ORDERS),
    routingBudgetMs: env.BENCH_ROUTING_BUDGET_S * 1000,
    load: {
      durationS: env.BENCH_DURATION_S,
      warmupS: env.BENCH_WARMUP_S,
      connections: env.BENCH_CONNECTIONS,
      profileS: env.BENCH_PROFILE_S,
    },
    databaseName: env.BENCH_DATABASE,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
  }));

export type BenchSettings = z.output<typeof benchEnv>;

/** Reads the knobs when the bench starts (never at import), naming any bad one. */
export function loadBenchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const parsed = benchEnv.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`bad bench settings: ${problems.join('; ')}`);
}
