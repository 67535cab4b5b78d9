import { StackError } from '../errors.ts';
import { findExecutable, searchDirs } from '../find-executable.ts';
import { type CommandResult, runCommand } from '../run-command.ts';
import { say } from '../say.ts';

export interface RedisBinary {
  path: string;
  version: string;
}

/** BullMQ's recommended minimum. */
const MIN_VERSION = [6, 2];

export const INSTALL_REDIS_HINT =
  'install Redis 6.2+: apt-get install redis-server / brew install redis / dnf install redis, ' +
  'or set REDIS_URL to a running Redis';

export interface RedisLookup {
  dirs?: string[];
  isRoot?: boolean;
  run?: (
    command: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; echo: boolean },
  ) => Promise<CommandResult>;
}

async function describe(path: string, run: NonNullable<RedisLookup['run']>): Promise<RedisBinary> {
  const { output } = await run(path, ['--version'], { env: process.env, echo: false });
  const version = /v=(\d+\.\d+\.\d+)/.exec(output)?.[1] ?? 'unknown';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = MIN_VERSION;
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    say(`warning: ${path} is Redis ${version}; the queues need 6.2 or newer (${INSTALL_REDIS_HINT})`);
  }
  return { path, version };
}

/**
 * A `redis-server` from PATH or the usual folders; when there is none and we are root on
 * a Debian-like system, installed with apt-get (updating the package lists only if the
 * first try cannot find the package). Anything else gets a message naming what to install.
 */
export async function chooseRedisServer(lookup: RedisLookup = {}): Promise<RedisBinary> {
  const dirs = lookup.dirs ?? searchDirs();
  const run = lookup.run ?? runCommand;
  const found = findExecutable('redis-server', dirs);
  if (found) return describe(found, run);

  const isRoot = lookup.isRoot ?? process.getuid?.() === 0;
  const aptGet = findExecutable('apt-get', dirs);
  if (!isRoot || !aptGet)
    throw new StackError(`no Redis answers and redis-server is not installed: ${INSTALL_REDIS_HINT}`);

  say('no redis-server found; installing it with apt-get (running as root)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run(aptGet, ['install', '-y', '--no-install-recommends', 'redis-server'], { env, echo: true });
  if ((await install()).code !== 0) {
    await run(aptGet, ['update'], { env, echo: true });
    const retry = await install();
    if (retry.code !== 0)
      throw new StackError(`apt-get could not install redis-server: ${INSTALL_REDIS_HINT}`);
  }
  const installed = findExecutable('redis-server', dirs);
  if (!installed)
    throw new StackError(`apt-get installed redis-server but it is not on PATH: ${INSTALL_REDIS_HINT}`);
  return describe(installed, run);
}
