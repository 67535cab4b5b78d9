import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestRedis, type TestRedis } from '@quarterhour/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LuaScript, ScriptBatcher } from './lua-script.ts';

describe('ScriptBatcher (real Redis)', () => {
  let redis: TestRedis;
  let dir: string;
  let batcher: ScriptBatcher;

  beforeAll(async () => {
    redis = await createTestRedis();
    dir = mkdtempSync(join(tmpdir(), 'qh-lua-'));
    // A comment unique to this run: the server has never seen this script, so the first
    // calls meet NOSCRIPT and must recover.
    writeFileSync(
      join(dir, 'counter.lua'),
      `-- ${randomBytes(8).toString('hex')}\nreturn redis.call('INCR', KEYS[1])\n`,
    );
    batcher = new ScriptBatcher(new LuaScript('counter', dir), redis.redis);
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await redis.cleanup();
  });

  it('answers every caller when the server does not know the script yet', async () => {
    const key = `${redis.prefix}:first`;
    const replies = await Promise.all(Array.from({ length: 20 }, () => batcher.run([key], [])));
    expect([...replies].sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('sends the calls of one turn as one pipeline, run in the order made', async () => {
    const key = `${redis.prefix}:ordered`;
    const pipelines = vi.spyOn(redis.redis, 'pipeline');
    const replies = await Promise.all(Array.from({ length: 30 }, () => batcher.run([key], [])));
    expect(pipelines).toHaveBeenCalledTimes(1);
    pipelines.mockRestore();
    expect(replies).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('fails only the call whose script fails', async () => {
    const good = `${redis.prefix}:good`;
    const hash = `${redis.prefix}:hash`;
    await redis.redis.hset(hash, 'field', '1');
    const results = await Promise.allSettled([
      batcher.run([good], []),
      batcher.run([hash], []),
      batcher.run([good], []),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/WRONGTYPE/);
    expect((results[2] as PromiseFulfilledResult<unknown>).value).toBe(2);
  });
});
