import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

const luaDir = join(dirname(fileURLToPath(import.meta.url)), 'lua');

/**
 * A Redis Lua script kept in its own file under `lua/`, read once at start and called by
 * SHA; when the server does not know it (first call, or after a restart or SCRIPT FLUSH)
 * it is sent once in full and then again by SHA.
 *
 * The same loader as libs/routing's, reading this package's `lua/`: routing's resolves
 * names against its own directory only. Once it takes a directory, this file goes.
 */
export class LuaScript {
  readonly source: string;
  readonly sha: string;

  constructor(readonly name: string) {
    this.source = readFileSync(join(luaDir, `${name}.lua`), 'utf8');
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
