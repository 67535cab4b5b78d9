import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from '../errors.ts';
import { tailOfFile } from '../log-tail.ts';
import type { RunningServer } from '../postgres/server.ts';
import { probeRedis } from '../probe.ts';
import { isAlive, spawnServer, stopProcess } from '../processes.ts';
import type { RedisBinary } from './binary.ts';

/** Redis does not record its port anywhere, so the scripts keep pid and port here. */
const stateFile = (dir: string) => join(dir, 'server.json');
const logFile = (dir: string) => join(dir, 'server.log');
const url = (port: number) => `redis://127.0.0.1:${port}/0`;

export async function findRunningRedis(dir: string): Promise<RunningServer | undefined> {
  const state = await readFile(stateFile(dir), 'utf8')
    .then((text) => JSON.parse(text) as Partial<RunningServer>)
    .catch(() => undefined);
  if (!state?.pid || !state.port || !isAlive(state.pid)) return undefined;
  return (await probeRedis(url(state.port))).state === 'ready'
    ? { pid: state.pid, port: state.port }
    : undefined;
}

/**
 * Loopback only, snapshots in the folder so the next run finds the same keys (Redis is
 * not the only copy of anything, but a warm restart is friendlier while developing).
 */
export async function startPrivateRedis(
  binary: RedisBinary,
  dir: string,
  port: number,
): Promise<RunningServer> {
  await mkdir(dir, { recursive: true });
  const pid = spawnServer({
    command: binary.path,
    args: [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--protected-mode',
      'yes',
      '--daemonize',
      'no',
      '--dir',
      dir,
      '--dbfilename',
      'dump.rdb',
      '--save',
      '60',
      '1',
      '--appendonly',
      'no',
    ],
    logFile: logFile(dir),
  });
  await writeFile(stateFile(dir), JSON.stringify({ pid, port }));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if ((await probeRedis(url(port), 500)).state === 'ready') return { pid, port };
    if (!isAlive(pid)) break;
    await sleep(50);
  }
  await stopProcess(pid, 'SIGKILL', 1_000);
  throw new StackError(
    `the private Redis did not start; the end of ${logFile(dir)}:\n${await tailOfFile(logFile(dir))}`,
  );
}

/** SIGTERM makes Redis write its snapshot and exit. */
export async function stopPrivateRedis(dir: string): Promise<boolean> {
  const running = await findRunningRedis(dir);
  await rm(stateFile(dir), { force: true });
  if (!running) return false;
  await stopProcess(running.pid, 'SIGTERM', 20_000);
  return true;
}
