import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadConfig, migrateEnv } from '@quarterhour/config';
import { StackError } from './errors.ts';
import { addLease, KEEP_LEASE, liveLeases, removeLease } from './leases.ts';
import { type LocalLayout, localLayout, repoRoot } from './local-dir.ts';
import { withLock } from './lock.ts';
import { freePort } from './ports.ts';
import { choosePostgresBinaries } from './postgres/binaries.ts';
import { findRunningPostgres, startPrivatePostgres, stopPrivatePostgres } from './postgres/server.ts';
import { type Probe, probePostgres, probeRedis } from './probe.ts';
import { chooseRedisServer } from './redis/binary.ts';
import { findRunningRedis, startPrivateRedis, stopPrivateRedis } from './redis/server.ts';
import { say } from './say.ts';
import { isLoopbackUrl, privatePostgresUrl, privateRedisUrl, redactUrl } from './urls.ts';

/** `configured`: the URL from the environment answered. `private`: a server under `.local/`. */
export type ServerOrigin = 'configured' | 'private';

export interface Services {
  databaseUrl: string;
  redisUrl: string;
  postgres: ServerOrigin;
  redis: ServerOrigin;
  /** Lets go of the private servers; the last command holding them stops them. Safe to call twice. */
  release(): Promise<void>;
}

export interface EnsureOptions {
  env?: NodeJS.ProcessEnv;
  layout?: LocalLayout;
  /** Skip system PostgreSQL binaries; also set by QH_FORCE_EMBEDDED_PG=1. */
  forceEmbeddedPostgres?: boolean;
  /** Leave private servers running after release, for later commands (`services:down` stops them). */
  keep?: boolean;
}

type Needed = { kind: 'PostgreSQL' | 'Redis'; url: string; probe: Probe };

/**
 * Makes PostgreSQL and Redis available: the configured URLs when they answer, else
 * private servers under `.local/` on free loopback ports (already running ones are
 * shared). Returns the URLs to hand to child processes.
 */
export async function ensureServices(options: EnsureOptions = {}): Promise<Services> {
  const env = options.env ?? process.env;
  const layout = options.layout ?? localLayout();
  const config = loadConfig(migrateEnv, env);
  const [postgresProbe, redisProbe] = await Promise.all([
    probePostgres(config.databaseUrl),
    probeRedis(config.redisUrl),
  ]);
  const needPostgres = needsPrivate({ kind: 'PostgreSQL', url: config.databaseUrl, probe: postgresProbe });
  const needRedis = needsPrivate({ kind: 'Redis', url: config.redisUrl, probe: redisProbe });
  if (!needPostgres && !needRedis) {
    return { databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, ...bothConfigured };
  }

  const lease = leaseName();
  const urls = await withLock(layout.lockFile, async () => {
    try {
      const databaseUrl = needPostgres
        ? await privatePostgres(config.databaseUrl, layout, options.forceEmbeddedPostgres ?? forcedByEnv(env))
        : config.databaseUrl;
      const redis = needRedis
        ? await privateRedis(config.redisUrl, layout)
        : { url: config.redisUrl, origin: 'configured' as const };
      await addLease(layout.leasesDir, lease, process.argv.slice(1).join(' '));
      if (options.keep) await addLease(layout.leasesDir, KEEP_LEASE);
      return { databaseUrl, redisUrl: redis.url, redisOrigin: redis.origin };
    } catch (error) {
      // Half a stack helps nobody: stop what this call started unless others use it.
      if ((await liveLeases(layout.leasesDir)).length === 0) await stopAll(layout);
      throw error;
    }
  });

  let released = false;
  return {
    databaseUrl: urls.databaseUrl,
    redisUrl: urls.redisUrl,
    postgres: needPostgres ? 'private' : 'configured',
    redis: urls.redisOrigin,
    async release() {
      if (released) return;
      released = true;
      await withLock(layout.lockFile, async () => {
        await removeLease(layout.leasesDir, lease);
        const others = await liveLeases(layout.leasesDir);
        if (others.length === 0) await stopAll(layout);
      });
    },
  };
}

const bothConfigured = {
  postgres: 'configured',
  redis: 'configured',
  release: async () => {},
} as const;

let leaseCount = 0;

/** pid first, so a lease of a command that died can be recognised; a counter for several calls in one process. */
function leaseName(): string {
  leaseCount += 1;
  return `${process.pid}.${leaseCount}`;
}

function forcedByEnv(env: NodeJS.ProcessEnv): boolean {
  return env.QH_FORCE_EMBEDDED_PG === '1' || env.QH_FORCE_EMBEDDED_PG === 'true';
}

/** A private server may only stand in for one that was meant to run on this machine and is not running. */
function needsPrivate({ kind, url, probe }: Needed): boolean {
  const variable = kind === 'PostgreSQL' ? 'DATABASE_URL' : 'REDIS_URL';
  if (probe.state === 'ready') return false;
  if (probe.state === 'refused') {
    throw new StackError(
      `${kind} at ${redactUrl(url)} answered but refused: ${probe.reason} (check ${variable})`,
    );
  }
  if (!isLoopbackUrl(url)) {
    throw new StackError(
      `nothing answers at ${redactUrl(url)} (${probe.reason}); private servers stand in only for ` +
        `loopback URLs, so start that ${kind} or point ${variable} at one that runs`,
    );
  }
  return true;
}

/** Paths inside the checkout are shown relative to it, others in full. */
function shown(path: string): string {
  const inside = relative(repoRoot, path);
  return inside && !inside.startsWith('..') ? inside : path;
}

async function privatePostgres(
  configured: string,
  layout: LocalLayout,
  forceEmbedded: boolean,
): Promise<string> {
  const binaries = await choosePostgresBinaries({ forceEmbedded });
  const dir = layout.postgresDir(binaries.major);
  const running = await findRunningPostgres(dir);
  if (running) {
    say(
      `PostgreSQL: nothing at ${redactUrl(configured)}; using the private server already running (${shown(dir)})`,
    );
    return privatePostgresUrl(configured, running.port);
  }
  const started = await startPrivatePostgres(binaries, dir, await freePort());
  say(
    `PostgreSQL: nothing at ${redactUrl(configured)}; started a private PostgreSQL ${binaries.version} ` +
      `(${binaries.source} binaries) on 127.0.0.1:${started.port}, data in ${shown(dir)}`,
  );
  return privatePostgresUrl(configured, started.port);
}

async function privateRedis(
  configured: string,
  layout: LocalLayout,
): Promise<{ url: string; origin: ServerOrigin }> {
  const running = await findRunningRedis(layout.redisDir);
  if (running) {
    say(
      `Redis: nothing at ${configured}; using the private server already running (${shown(layout.redisDir)})`,
    );
    return { url: privateRedisUrl(configured, running.port), origin: 'private' };
  }
  const binary = await chooseRedisServer();
  // Installing the package may have started the system's own Redis at the configured URL.
  if ((await probeRedis(configured)).state === 'ready') return { url: configured, origin: 'configured' };
  const started = await startPrivateRedis(binary, layout.redisDir, await freePort());
  say(
    `Redis: nothing at ${configured}; started a private Redis ${binary.version} on 127.0.0.1:${started.port}, ` +
      `data in ${shown(layout.redisDir)}`,
  );
  return { url: privateRedisUrl(configured, started.port), origin: 'private' };
}

/** Every private server recorded under `.local/`, whichever command started it. */
async function stopAll(layout: LocalLayout): Promise<string[]> {
  const stopped: string[] = [];
  const entries = await readdir(layout.root).catch(() => [] as string[]);
  for (const entry of entries.filter((name) => /^postgres-\d+$/.test(name))) {
    if (await stopPrivatePostgres(join(layout.root, entry))) stopped.push(entry);
  }
  if (await stopPrivateRedis(layout.redisDir)) stopped.push('redis');
  if (stopped.length) say(`stopped the private servers: ${stopped.join(', ')}`);
  return stopped;
}

/**
 * For `services:down`: drops the keep lease and stops the private servers unless a
 * running command still uses them. Returns the commands still holding them.
 */
export async function releaseKeptServices(layout = localLayout()): Promise<string[]> {
  return withLock(layout.lockFile, async () => {
    await removeLease(layout.leasesDir, KEEP_LEASE);
    const holders = await liveLeases(layout.leasesDir);
    if (holders.length === 0) await stopAll(layout);
    return holders;
  });
}
