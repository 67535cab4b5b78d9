import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findSystemPostgres } from './binaries.ts';

/** Fake server binaries: shell scripts answering `--version` like the real ones. */
async function fakeBinDir(root: string, major: number): Promise<string> {
  const bin = join(root, 'lib', String(major), 'bin');
  await mkdir(bin, { recursive: true });
  for (const name of ['initdb', 'postgres']) {
    await writeFile(join(bin, name), `#!/bin/sh\necho "${name} (PostgreSQL) ${major}.2"\n`, { mode: 0o755 });
  }
  return bin;
}

describe('findSystemPostgres', () => {
  let root = '';
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('follows an initdb symlink on PATH to the folder holding postgres', async () => {
    root = await mkdtemp(join(tmpdir(), 'qh-pgbin-'));
    const bin = await fakeBinDir(root, 16);
    await mkdir(join(root, 'path'));
    await symlink(join(bin, 'initdb'), join(root, 'path', 'initdb'));
    const found = await findSystemPostgres([join(root, 'path')], join(root, 'none'));
    expect(found).toMatchObject({ source: 'system', major: 16, postgres: join(bin, 'postgres') });
  });

  it('takes the newest versioned folder when PATH has none', async () => {
    root = await mkdtemp(join(tmpdir(), 'qh-pgbin-'));
    await fakeBinDir(root, 14);
    await fakeBinDir(root, 17);
    expect((await findSystemPostgres([], join(root, 'lib')))?.major).toBe(17);
  });

  it('passes over servers too old for the fixtures', async () => {
    root = await mkdtemp(join(tmpdir(), 'qh-pgbin-'));
    await fakeBinDir(root, 12);
    expect(await findSystemPostgres([], join(root, 'lib'))).toBeUndefined();
  });
});
