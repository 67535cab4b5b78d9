import { chmod, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runCommand } from '../run-command.ts';
import { say } from '../say.ts';
import type { OsUser } from './os-user.ts';

function ancestors(path: string): string[] {
  const chain: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    chain.push(dir);
    if (dirname(dir) === dir) return chain;
  }
}

/** The folders `user` cannot pass through (no x permission for them), asked as that user. */
async function blockedFor(user: OsUser, dirs: string[]): Promise<string[]> {
  const script = 'for d in "$@"; do [ -x "$d" ] || echo "$d"; done';
  const { output } = await runCommand('/bin/sh', ['-c', script, 'sh', ...dirs], {
    uid: user.uid,
    gid: user.gid,
  });
  return output.split('\n').filter(Boolean);
}

/**
 * When root runs the stack from a private folder (a repository under /root, a 0700
 * temporary folder), the user PostgreSQL runs as cannot reach its binaries or data.
 * This grants that user search permission (x, not read) on exactly the folders in the
 * way: an ACL entry where setfacl exists, else the x bit for others. Nothing else changes.
 */
export async function makeReachable(user: OsUser, paths: string[]): Promise<void> {
  const dirs = [...new Set(paths.flatMap(ancestors))];
  for (const dir of await blockedFor(user, dirs)) {
    const acl = await runCommand('setfacl', ['-m', `u:${user.name}:x`, dir]);
    if (acl.code !== 0) await chmod(dir, (await stat(dir)).mode | 0o001);
    say(
      `granted the "${user.name}" user passage (x permission) through ${dir} so PostgreSQL can reach its files`,
    );
  }
}
