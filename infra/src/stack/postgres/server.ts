import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from '../errors.ts';
import { tailOfFile } from '../log-tail.ts';
import { probePostgres } from '../probe.ts';
import { isAlive, spawnServer, stopProcess } from '../processes.ts';
import { runCommand } from '../run-command.ts';
import type { PostgresBinaries } from './binaries.ts';
import { type OsUser, postgresRunAs } from './os-user.ts';
import { makeReachable } from './reachable.ts';

export interface RunningServer {
  pid: number;
  port: number;
}

const dataDir = (dir: string) => join(dir, 'data');
const logFile = (dir: string) => join(dir, 'server.log');
const adminUrl = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;

/**
 * A server left running in `dir` by an earlier command (`--keep`, `services:up`, or a run
 * that was killed): postgres records its pid and port in postmaster.pid.
 */
export async function findRunningPostgres(dir: string): Promise<RunningServer | undefined> {
  const lines = await readFile(join(dataDir(dir), 'postmaster.pid'), 'utf8')
    .then((text) => text.split('\n'))
    .catch(() => undefined);
  const pid = Number(lines?.[0]);
  const port = Number(lines?.[3]);
  if (!pid || !port || !isAlive(pid)) return undefined;
  return (await probePostgres(adminUrl(port))).state === 'ready' ? { pid, port } : undefined;
}

/** Initialises the data folder on first use, then starts postgres on loopback and waits until it answers. */
export async function startPrivatePostgres(
  binaries: PostgresBinaries,
  dir: string,
  port: number,
): Promise<RunningServer> {
  const runAs = await postgresRunAs();
  await initialiseDataDir(binaries, dir, runAs);
  const pid = spawnServer({
    command: binaries.postgres,
    args: [
      '-D',
      dataDir(dir),
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: its default folder may not exist or be writable for this user.
      '-c',
      'unix_socket_directories=',
      // Test files each open a pool; the default 100 is tight with two turbo tasks at once.
      '-c',
      'max_connections=300',
    ],
    logFile: logFile(dir),
    env: { ...process.env, LC_ALL: 'C' },
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  await waitUntilAnswering(pid, port, dir);
  return { pid, port };
}

async function initialiseDataDir(binaries: PostgresBinaries, dir: string, runAs: OsUser | undefined) {
  const data = dataDir(dir);
  await mkdir(dir, { recursive: true });
  await mkdir(data, { recursive: true, mode: 0o700 });
  if (runAs) {
    await giveTo(data, runAs);
    await makeReachable(runAs, [dir, dirname(binaries.postgres)]);
  }
  if (existsSync(join(data, 'PG_VERSION'))) return;
  const result = await runCommand(
    binaries.initdb,
    ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-instructions'],
    { env: { ...process.env, LC_ALL: 'C' }, ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) },
  );
  if (result.code !== 0) {
    const hint = runAs
      ? ` (it runs as the user "${runAs.name}", who must be able to reach and write ${data}: ` +
        'every parent folder needs the x permission for others)'
      : '';
    throw new StackError(`initdb failed${hint}:\n${result.output.trim()}`);
  }
}

/** The data folder must belong to the user postgres runs as, even when root made it. */
async function giveTo(data: string, user: OsUser): Promise<void> {
  const owner = (await stat(data)).uid;
  if (owner === user.uid) return;
  if (existsSync(join(data, 'PG_VERSION'))) {
    await runCommand('chown', ['-R', `${user.uid}:${user.gid}`, data]);
  } else {
    await chown(data, user.uid, user.gid);
  }
}

async function waitUntilAnswering(pid: number, port: number, dir: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await probePostgres(adminUrl(port), 1_000)).state === 'ready') return;
    if (!isAlive(pid)) break;
    await sleep(100);
  }
  await stopProcess(pid, 'SIGQUIT', 2_000);
  throw new StackError(
    `the private PostgreSQL did not start; the end of ${logFile(dir)}:\n${await tailOfFile(logFile(dir))}`,
  );
}

/**
 * Fast shutdown (SIGINT): sessions are cut, data is flushed, the next start needs no
 * recovery. Only a server that answers on its recorded port is signalled, so a stale
 * postmaster.pid whose pid now belongs to another program is left alone.
 */
export async function stopPrivatePostgres(dir: string): Promise<boolean> {
  const running = await findRunningPostgres(dir);
  if (!running) return false;
  await stopProcess(running.pid, 'SIGINT', 20_000);
  return true;
}
