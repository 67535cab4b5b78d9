import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addLease, KEEP_LEASE, liveLeases, removeLease } from './leases.ts';
import { withLock } from './lock.ts';

describe('leases', () => {
  let dir = '';
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keep the living and the keep lease, and forget dead commands', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-leases-'));
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max, so never alive
    await addLease(dir, `${process.pid}.1`);
    await addLease(dir, `${deadPid}.1`);
    await addLease(dir, KEEP_LEASE);
    expect(await liveLeases(dir)).toEqual([KEEP_LEASE, `${process.pid}.1`].sort());
    await removeLease(dir, KEEP_LEASE);
    await removeLease(dir, `${process.pid}.1`);
    expect(await liveLeases(dir)).toEqual([]);
  });
});

describe('withLock', () => {
  let dir = '';
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs holders one after the other', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-lock-'));
    const file = join(dir, 'stack.lock');
    const order: string[] = [];
    const hold = (name: string) =>
      withLock(file, async () => {
        order.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        order.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    // Either may get the lock first (both race for the file); they must never overlap.
    const first = order[0]!.split(' ')[0];
    const second = first === 'a' ? 'b' : 'a';
    expect(order).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
  });

  it('takes over a lock whose owner died', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qh-lock-'));
    const file = join(dir, 'stack.lock');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, String(2 ** 22 + 12345));
    expect(await withLock(file, async () => 'got it', 1_000)).toBe('got it');
  });
});
