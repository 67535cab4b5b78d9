import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@quarterhour/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = new URL('./main.ts', import.meta.url).pathname;

/** Runs main.ts as the real process would (`node --import tsx`), with only the given settings. */
function run(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('dispatcher main.ts', () => {
  let db: TestDatabase;
  let redis: TestRedis;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  });
  afterAll(async () => {
    await redis.cleanup();
    await db.drop();
  });

  it('exits 1 naming the bad setting', async () => {
    const child = run({ HEALTH_PORT: 'eighty', SHUTDOWN_TIMEOUT_MS: '5' });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    expect(await exited(child)).toBe(1);
    expect(stderr).toContain('HEALTH_PORT');
    expect(stderr).toContain('SHUTDOWN_TIMEOUT_MS');
  });

  it('serves health while running and exits 0 on SIGTERM, saying so in its logs', async () => {
    const child = run({
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      HEALTH_PORT: '0',
      LOG_LEVEL: 'info',
    });
    const exit = exited(child);
    const lines: Record<string, unknown>[] = [];
    const started = new Promise<number>((resolve, reject) => {
      child.once('exit', () => reject(new Error('exited before starting')));
      createInterface({ input: child.stdout! }).on('line', (text) => {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === 'started') resolve(line.port as number);
      });
    });
    const port = await started;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    const messages = lines.map((line) => line.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        'shutdown requested',
        'all running jobs finished',
        'stopped',
        'shutdown complete; exiting',
      ]),
    );
    expect(lines.every((line) => line.service === 'dispatcher' && typeof line.time === 'string')).toBe(true);
  });
});
