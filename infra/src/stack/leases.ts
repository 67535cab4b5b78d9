import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from './processes.ts';

/**
 * Who still needs the private servers: one file per running command, named `<pid>.<n>`,
 * plus `keep` while `services:up` or `--keep` asked for them to outlive their command.
 * The last command to leave stops them.
 */
export const KEEP_LEASE = 'keep';

export async function addLease(dir: string, name: string, note = ''): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), note);
}

export async function removeLease(dir: string, name: string): Promise<void> {
  await rm(join(dir, name), { force: true });
}

/** Leases still held; those of commands that died without cleaning up are removed. */
export async function liveLeases(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const live: string[] = [];
  for (const name of names) {
    const pid = Number(name.split('.')[0]);
    if (name === KEEP_LEASE || (Number.isInteger(pid) && pid > 0 && isAlive(pid))) live.push(name);
    else await removeLease(dir, name);
  }
  return live.sort();
}
