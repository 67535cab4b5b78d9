import { mkdir, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hydrateSymlinks } from './symlinks.ts';

describe('hydrateSymlinks', () => {
  let dir = '';
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the missing relative links once and leaves existing ones alone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-symlinks-'));
    await mkdir(join(dir, 'native', 'lib'), { recursive: true });
    await writeFile(join(dir, 'native', 'lib', 'libpq.so.5.18'), '');
    await writeFile(
      join(dir, 'native', 'pg-symlinks.json'),
      JSON.stringify([
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' },
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so' },
      ]),
    );

    expect(await hydrateSymlinks(dir)).toEqual(['native/lib/libpq.so.5', 'native/lib/libpq.so']);
    expect(await readlink(join(dir, 'native', 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(await hydrateSymlinks(dir)).toEqual([]);
  });

  it('does nothing for a package without a symlink list', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-symlinks-'));
    expect(await hydrateSymlinks(dir)).toEqual([]);
  });
});
