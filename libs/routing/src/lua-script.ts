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

interface PendingCall {
  keys: string[];
  args: (string | number)[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs one script for many callers, sending the calls made during one turn of the event
 * loop as one pipeline: one socket write and one read for all of them instead of one each.
 * Each call is still its own EVALSHA, so each is atomic and they run in the order made.
 *
 * Why: under load the order path's cost is dominated by system calls, not by JavaScript
 * (docs/BENCHMARKS.md); ioredis's own auto-pipelining flushes on `process.nextTick`, which
 * comes before the next request's I/O callback, so it never groups concurrent requests.
 * `setImmediate` runs after every I/O callback ready in this turn.
 */
export class ScriptBatcher {
  private queue: PendingCall[] = [];
  private scheduled = false;

  constructor(
    private readonly script: LuaScript,
    private readonly redis: Redis,
  ) {}

  run(keys: string[], args: (string | number)[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ keys, args, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        const batch = this.queue;
        this.queue = [];
        this.flush(batch);
      });
    });
  }

  private flush(batch: PendingCall[]): void {
    if (batch.length === 1) {
      const [call] = batch as [PendingCall];
      this.script.run(this.redis, call.keys, call.args).then(call.resolve, call.reject);
      return;
    }
    const pipeline = this.redis.pipeline();
    for (const call of batch) pipeline.evalsha(this.script.sha, call.keys.length, ...call.keys, ...call.args);
    pipeline.exec().then(
      (results) => {
        batch.forEach((call, i) => {
          const [error, value] = results?.[i] ?? [new Error('no reply from Redis'), undefined];
          if (!error) call.resolve(value);
          // Unknown to the server (restart, SCRIPT FLUSH): run() sends the source once.
          else if (error.message.startsWith('NOSCRIPT'))
            this.script.run(this.redis, call.keys, call.args).then(call.resolve, call.reject);
          else call.reject(error);
        });
      },
      (error) => {
        for (const call of batch) call.reject(error);
      },
    );
  }
}
