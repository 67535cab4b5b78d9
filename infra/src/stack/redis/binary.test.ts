import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../run-command.ts';
import { chooseRedisServer } from './binary.ts';

const fakeRedis = '#!/bin/sh\necho "Redis server v=7.2.4 sha=0 malloc=libc bits=64"\n';

describe('chooseRedisServer', () => {
  let dir = '';
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses a redis-server it finds', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-redis-'));
    await writeFile(join(dir, 'redis-server'), fakeRedis, { mode: 0o755 });
    expect(await chooseRedisServer({ dirs: [dir] })).toEqual({
      path: join(dir, 'redis-server'),
      version: '7.2.4',
    });
  });

  it('as root with apt-get, installs it, updating the lists when the first try fails', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-redis-'));
    await writeFile(join(dir, 'apt-get'), '#!/bin/sh\n', { mode: 0o755 });
    const calls: string[] = [];
    const run = async (command: string, args: string[]): Promise<CommandResult> => {
      if (command.endsWith('redis-server')) return { code: 0, output: 'Redis server v=7.0.15' };
      calls.push(args.join(' '));
      if (args[0] === 'install' && calls.length === 1)
        return { code: 100, output: 'Unable to locate package' };
      if (args[0] === 'install') await writeFile(join(dir, 'redis-server'), fakeRedis, { mode: 0o755 });
      return { code: 0, output: '' };
    };
    const found = await chooseRedisServer({ dirs: [dir], isRoot: true, run });
    expect(found.path).toBe(join(dir, 'redis-server'));
    expect(calls).toEqual([
      'install -y --no-install-recommends redis-server',
      'update',
      'install -y --no-install-recommends redis-server',
    ]);
  });

  it('otherwise names exactly what to install', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-redis-'));
    await expect(chooseRedisServer({ dirs: [dir], isRoot: false })).rejects.toThrow(
      /install Redis 6\.2\+: apt-get install redis-server \/ brew install redis/,
    );
  });
});
