import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so the scripts work from any working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Where the private servers and generated secrets live: `.local/` at the repository root
 * (gitignored). Tests pass a temporary folder instead.
 */
export interface LocalLayout {
  root: string;
  opsKeyFile: string;
  lockFile: string;
  leasesDir: string;
  /** One folder per PostgreSQL major version: data folders of two majors are not compatible. */
  postgresDir(major: number): string;
  redisDir: string;
}

export function localLayout(root = join(repoRoot, '.local')): LocalLayout {
  return {
    root,
    opsKeyFile: join(root, 'ops-key'),
    lockFile: join(root, 'stack.lock'),
    leasesDir: join(root, 'leases'),
    postgresDir: (major) => join(root, `postgres-${major}`),
    redisDir: join(root, 'redis'),
  };
}
