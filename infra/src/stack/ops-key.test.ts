import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveOpsKey } from './ops-key.ts';

describe('resolveOpsKey', () => {
  let dir = '';
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a key once, keeps it private, and returns the same one afterwards', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-ops-'));
    const file = join(dir, 'nested', 'ops-key');
    const first = await resolveOpsKey({}, file);
    expect(first.source).toBe('generated');
    expect(first.key.length).toBeGreaterThanOrEqual(16);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await resolveOpsKey({}, file)).toEqual({ key: first.key, source: 'file' });
  });

  it('takes OPS_API_KEY exactly as given and refuses one the intake would refuse', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-ops-'));
    const file = join(dir, 'ops-key');
    expect(await resolveOpsKey({ OPS_API_KEY: 'a-key-of-twenty-chars' }, file)).toEqual({
      key: 'a-key-of-twenty-chars',
      source: 'environment',
    });
    await expect(resolveOpsKey({ OPS_API_KEY: 'short' }, file)).rejects.toThrow(/OPS_API_KEY/);
  });
});
