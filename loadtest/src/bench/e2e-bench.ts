import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { City } from '../city.ts';
import { dropDatabase, recreateDatabase, withDatabase } from './bench-db.ts';
import { connectRedis, deletePrefix } from './bench-redis.ts';
import { type LoadResult, runLoad } from './cannon.ts';
import { type ChildService, freePort, startChild } from './child-service.ts';
import type { Cleanup } from './cleanup.ts';
import { type E2eOrders, selectE2eOrders, spotCheck } from './e2e-orders.ts';
import { createPlatformKey } from './intake-api.ts';
import { type CitySetup, loadCity } from './load-city.ts';
import { OrderBodies } from './order-bodies.ts';
import { type CpuParties, type CpuUse, cpuSnapshot, cpuUse } from './phase-cpu.ts';
import { type ProfileSummary, summariseProfile } from './profile-summary.ts';

const READY_TIMEOUT_MS = 120_000;
const PROFILE_WRITE_TIMEOUT_MS = 30_000;

export interface LoadSettings {
  durationS: number;
  warmupS: number;
  connections: number;
  profileS: number;
}

export interface MeasuredPhase {
  load: LoadResult;
  cpu: CpuUse;
}

export interface E2eResult {
  setup: CitySetup;
  spotCheck: { orders: number; mismatches: number; examples: string[] };
  distinctBodies: number;
  bare: MeasuredPhase;
  intake: MeasuredPhase;
  profile: (ProfileSummary & { orders: number }) | null;
}

/**
 * The city in a real intake (sites through the API, stock through PostgreSQL and the
 * intake's own rebuild), then the same load against a bare Express app and against
 * POST /v1/orders, one after the other. Everything it makes it removes again.
 */
export async function runE2eBench(
  city: City,
  options: {
    repoRoot: string;
    databaseUrl: string;
    databaseName: string;
    redisUrl: string;
    load: LoadSettings;
    cleanup: Cleanup;
    log: (line: string) => void;
  },
): Promise<E2eResult> {
  const { log, cleanup, load } = options;
  const runId = Date.now().toString(36);
  const prefix = `qhbench-${runId}`;
  const opsKey = randomBytes(24).toString('hex');
  const databaseUrl = withDatabase(options.databaseUrl, options.databaseName);
  const profileDir = mkdtempSync(join(tmpdir(), 'qh-bench-profile-'));
  // BENCH_KEEP_PROFILE=1 keeps the intake's .cpuprofile (open it in Chrome DevTools).
  if (process.env.BENCH_KEEP_PROFILE) log(`the intake's CPU profile goes to ${profileDir}`);
  else
    cleanup.add('remove the profile directory', async () =>
      rmSync(profileDir, { recursive: true, force: true }),
    );

  const redis = connectRedis(options.redisUrl);
  await redis.connect();
  cleanup.add('close Redis', async () => void (await redis.quit()));
  cleanup.add('delete Redis keys', async () =>
    log(`deleted ${await deletePrefix(redis, prefix)} Redis keys`),
  );
  await recreateDatabase(options.databaseUrl, options.databaseName);
  cleanup.add('drop the bench database', () => dropDatabase(options.databaseUrl, options.databaseName));

  const intakePort = await freePort();
  const intake = await startChild({
    name: 'intake',
    args: [
      '--import',
      'tsx',
      '--import',
      './loadtest/src/bench/profile-hook.ts',
      'services/intake/src/main.ts',
    ],
    cwd: options.repoRoot,
    env: {
      ...process.env,
      PORT: String(intakePort),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: prefix,
      OPS_API_KEY: opsKey,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '1000000',
      MIGRATE_ON_START: 'true',
      QH_BENCH_PROFILE_DIR: profileDir,
    },
    port: intakePort,
    readyPath: '/readyz',
    readyTimeoutMs: READY_TIMEOUT_MS,
    echo: log,
  });
  cleanup.add('stop the intake', () => intake.stop());
  log(`intake ready on port ${intakePort}`);

  const setup = await loadCity(city, { intakeUrl: intake.url, opsKey, databaseUrl, redis, prefix, log });

  const platformKey = await createPlatformKey(intake.url, opsKey);
  const orders: E2eOrders = selectE2eOrders(city);
  const checked = await spotCheck(intake.url, platformKey, orders, `${runId}-check`);
  log(`spot check: ${checked.mismatches} of ${checked.orders} orders routed differently from memory`);
  const intakeParties: CpuParties = {
    serverPid: intake.pid,
    postgres: { url: options.databaseUrl, database: options.databaseName },
    redis,
  };
  global.gc?.();

  const barePort = await freePort();
  const bare = await startChild({
    name: 'bare',
    args: ['--import', 'tsx', './loadtest/src/bench/bare-server.ts'],
    cwd: options.repoRoot,
    env: { ...process.env, PORT: String(barePort) },
    port: barePort,
    readyPath: '/readyz',
    readyTimeoutMs: READY_TIMEOUT_MS,
    echo: log,
  });
  cleanup.add('stop the bare server', () => bare.stop());
  const bareResult = await measure(
    bare,
    { serverPid: bare.pid },
    new OrderBodies(orders.bodies, `${runId}-b`),
    {
      ...load,
      title: 'bare express',
      log,
    },
  );
  await bare.stop();

  const bodies = new OrderBodies(orders.bodies, `${runId}-i`);
  const intakeResult = await measure(intake, intakeParties, bodies, {
    ...load,
    title: 'intake',
    platformKey,
    log,
  });
  const profile =
    load.profileS > 0
      ? await profileIntake(intake, bodies, profileDir, options.repoRoot, load, platformKey, log)
      : null;

  return {
    setup,
    spotCheck: checked,
    distinctBodies: orders.bodies.length,
    bare: bareResult,
    intake: intakeResult,
    profile,
  };
}

/** A warm-up run (discarded), then the measured run with CPU read before and after. */
async function measure(
  server: ChildService,
  parties: CpuParties,
  bodies: OrderBodies,
  options: LoadSettings & { title: string; platformKey?: string; log: (line: string) => void },
): Promise<MeasuredPhase> {
  const run = (durationS: number, title: string) =>
    runLoad({
      title,
      url: server.url,
      path: '/v1/orders',
      key: options.platformKey,
      connections: options.connections,
      durationS,
      nextBody: () => bodies.next(),
    });
  if (options.warmupS > 0) await run(options.warmupS, `${options.title} warm-up`);
  const before = await cpuSnapshot(parties);
  const result = await run(options.durationS, options.title);
  const after = await cpuSnapshot(parties);
  options.log(
    `${options.title}: ${Math.round(result.rps)} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
      `${result.non2xx} non-2xx, ${result.errors} errors`,
  );
  return { load: result, cpu: cpuUse(before, after, result.requests, parties) };
}

/** One more bounded load phase with the intake's sampling profiler on (see profile-hook.ts). */
async function profileIntake(
  intake: ChildService,
  bodies: OrderBodies,
  profileDir: string,
  repoRoot: string,
  load: LoadSettings,
  platformKey: string,
  log: (line: string) => void,
): Promise<ProfileSummary & { orders: number }> {
  process.kill(intake.pid, 'SIGUSR2');
  const result = await runLoad({
    title: 'intake (profiled)',
    url: intake.url,
    path: '/v1/orders',
    key: platformKey,
    connections: load.connections,
    durationS: load.profileS,
    nextBody: () => bodies.next(),
  });
  process.kill(intake.pid, 'SIGUSR2');
  const path = join(profileDir, `${intake.pid}.cpuprofile`);
  const deadline = Date.now() + PROFILE_WRITE_TIMEOUT_MS;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error('the intake wrote no profile');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log(`profiled ${result.requests} orders (${Math.round(result.rps)} req/s with the profiler on)`);
  return { ...summariseProfile(path, repoRoot), orders: result.requests };
}
