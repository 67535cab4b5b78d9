import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

const routingLuaDir = join(dirname(fileURLToPath(import.meta.url)), 'lua');

/**
 * A Redis Lua script kept in its own file under `lua/`, read once at start and called by
 * SHA; when the server does not know it (first call, or after a restart or SCRIPT FLUSH)
 * it is sent once in full and then again by SHA.
 */
export class LuaScript {
  readonly source: string;
  readonly sha: string;

  /** `dir`: the package's own `lua/` folder (default: this package's). */
  constructor(
    readonly name: string,
    dir: string = routingLuaDir,
  ) {
    this.source = readFileSync(join(dir, `${name}.lua`), 'utf8');
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
