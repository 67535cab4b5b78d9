import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A killed process whose parent died too stays a zombie until init reaps it, and some
 * container inits are slow to; signal 0 still succeeds on it. Linux shows the state in
 * /proc; elsewhere this answers false.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Polls because the process may not be our child (a server started by an earlier run). */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Sends the polite signal, then SIGKILL when the process outlives the timeout.
 * Returns false only when even SIGKILL did not end it.
 */
export async function stopProcess(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  if (!isAlive(pid)) return true;
  try {
    process.kill(pid, signal);
  } catch {
    return !isAlive(pid);
  }
  if (await waitUntilGone(pid, timeoutMs)) return true;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
  return waitUntilGone(pid, 5_000);
}

export interface ServerSpawn {
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Run as another user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

/**
 * Starts a server in its own process group with output appended to a log file. Its own
 * group keeps a terminal's Ctrl-C away from it, so the scripts decide when it stops;
 * unref lets `--keep` runs exit while it keeps serving.
 */
export function spawnServer(server: ServerSpawn): number {
  const log = openSync(server.logFile, 'a');
  try {
    const child = spawn(server.command, server.args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: server.env ?? process.env,
      ...(server.uid === undefined ? {} : { uid: server.uid, gid: server.gid }),
    });
    child.on('error', () => {}); // reported through the readiness wait and the log
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${server.command}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}
