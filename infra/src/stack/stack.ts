import { join } from 'node:path';
import { createDb, ensureDatabase, migrate } from '@quarterhour/db';
import type { SeedDemo } from './demo-seed.ts';
import { StackError } from './errors.ts';
import { type LocalLayout, localLayout, repoRoot } from './local-dir.ts';
import { type OpsKey, resolveOpsKey } from './ops-key.ts';
import { freePort, isPortFree } from './ports.ts';
import { type ServiceExit, ServiceProcesses } from './service-processes.ts';
import { ensureServices, type Services } from './services.ts';
import { waitForOk } from './wait-http.ts';

export const SERVICE_NAMES = ['intake', 'dispatcher', 'fulfilment'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface StackOptions {
  env: NodeJS.ProcessEnv;
  /** The demo city's seeder; undefined starts an empty stack (`--no-demo`). */
  seedDemo?: SeedDemo;
  layout?: LocalLayout;
  /** Entry files by service; tests pass stand-ins. */
  entries?: Partial<Record<ServiceName, string>>;
  readyTimeoutMs?: number;
  /** Aborted by Ctrl-C: stop waiting, undo what started, and throw StackInterrupted. */
  signal?: AbortSignal;
}

export interface RunningStack {
  baseUrl: string;
  opsKey: OpsKey;
  services: Services;
  /** Resolves when a service exits on its own; while the stack runs that is a failure. */
  firstExit: Promise<ServiceExit>;
  /** Stops the services (SIGTERM, then SIGKILL) and lets go of the private servers. */
  stop(): Promise<void>;
}

/** Ctrl-C during start: everything started is stopped again, which is a clean outcome. */
export class StackInterrupted extends Error {
  override name = 'StackInterrupted';
  constructor() {
    super('interrupted while starting');
  }
}

const DEFAULT_PORT = 3000;
/** Longer than the services' own SHUTDOWN_TIMEOUT_MS default, so they can finish in-flight work. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * The whole local stack: PostgreSQL and Redis (configured or private), the database
 * migrated, the three services on loopback, the demo city when asked. On any failure
 * it stops what it started before rethrowing.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const env = options.env;
  const layout = options.layout ?? localLayout();
  const port = await chooseIntakePort(env.PORT);
  const services = await ensureServices({ env, layout });
  const processes = new ServiceProcesses();
  const stop = async () => {
    await processes.stop(STOP_TIMEOUT_MS);
    await services.release();
  };

  try {
    await migrateDatabase(services.databaseUrl);
    const opsKey = await resolveOpsKey(env, layout.opsKeyFile);
    const shared: NodeJS.ProcessEnv = {
      ...env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      OPS_API_KEY: opsKey.key,
      LOG_LEVEL: env.LOG_LEVEL || 'info',
      HOST: '127.0.0.1',
      MIGRATE_ON_START: 'false',
    };
    const { PORT: _intakeOnly, ...workerBase } = shared;
    const healthPorts = { dispatcher: await freePort(), fulfilment: await freePort() };
    const entry = (name: ServiceName) =>
      options.entries?.[name] ?? join(repoRoot, 'services', name, 'src', 'main.ts');

    processes.start({ name: 'intake', entry: entry('intake'), env: { ...shared, PORT: String(port) } });
    for (const name of ['dispatcher', 'fulfilment'] as const) {
      processes.start({
        name,
        entry: entry(name),
        env: { ...workerBase, HEALTH_PORT: String(healthPorts[name]) },
      });
    }

    const baseUrl = `http://127.0.0.1:${port}`;
    const readiness = [
      { name: 'intake', url: `${baseUrl}/readyz` },
      { name: 'dispatcher', url: `http://127.0.0.1:${healthPorts.dispatcher}/readyz` },
      { name: 'fulfilment', url: `http://127.0.0.1:${healthPorts.fulfilment}/readyz` },
    ];
    const timeoutMs = options.readyTimeoutMs ?? 120_000;
    const results = await Promise.all(
      readiness.map(async ({ name, url }) => ({
        name,
        ready: await waitForOk(
          url,
          timeoutMs,
          () => options.signal?.aborted === true || SERVICE_NAMES.some((n) => processes.hasExited(n)),
        ),
      })),
    );
    if (options.signal?.aborted) throw new StackInterrupted();
    const exited = SERVICE_NAMES.filter((name) => processes.hasExited(name));
    if (exited.length)
      throw new StackError(`${exited.join(', ')} exited while starting; see the output above`);
    const late = results.filter((result) => !result.ready).map((result) => result.name);
    if (late.length)
      throw new StackError(`${late.join(', ')} did not report ready within ${timeoutMs / 1000} s`);

    if (options.seedDemo && !options.signal?.aborted) await options.seedDemo({ baseUrl, opsKey: opsKey.key });
    return { baseUrl, opsKey, services, firstExit: processes.firstExit, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** PORT exactly as given (default 3000); a busy port is reported before anything starts. */
async function chooseIntakePort(given: string | undefined): Promise<number> {
  const port = given ? Number(given) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new StackError(`PORT must be 1-65535, got "${given}"`);
  if (!(await isPortFree(port))) {
    throw new StackError(
      `port ${port} is already in use on 127.0.0.1 (another npm start?); stop it or pick another: PORT=${port + 1} npm start`,
    );
  }
  return port;
}

async function migrateDatabase(url: string): Promise<number[]> {
  await ensureDatabase(url);
  const sql = createDb(url, { max: 1, applicationName: 'quarterhour-start' });
  try {
    return await migrate(sql);
  } finally {
    await sql.end();
  }
}
