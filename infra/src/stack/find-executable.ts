import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The directories of PATH, then the usual places a package manager puts servers. */
export function searchDirs(pathVariable = process.env.PATH ?? ''): string[] {
  const extra = ['/usr/local/bin', '/usr/bin', '/usr/sbin', '/opt/homebrew/bin', '/usr/local/sbin'];
  return [...new Set([...pathVariable.split(delimiter).filter(Boolean), ...extra])];
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findExecutable(name: string, dirs: string[]): string | undefined {
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}
