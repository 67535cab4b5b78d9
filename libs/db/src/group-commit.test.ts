import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-commit.ts';

describe('GroupCommitter', () => {
  it('writes a lone item at once and batches items that arrive during a flush', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((n) => n * 2);
    });
    const first = committer.write(1);
    const rest = [2, 3, 4].map((n) => committer.write(n));
    release();
    expect(await first).toBe(2);
    expect(await Promise.all(rest)).toEqual([4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('isolates a failing item by retrying the batch one by one', async () => {
    let hold = true;
    let release: () => void = () => {};
    const committer = new GroupCommitter<number, number>(async (items) => {
      if (hold) {
        hold = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
      if (items.includes(13)) throw new Error('unlucky');
      return items;
    });
    const blocker = committer.write(0);
    const results = [12, 13, 14].map((n) => committer.write(n).then(String, (e: Error) => e.message));
    release();
    await blocker;
    expect(await Promise.all(results)).toEqual(['12', 'unlucky', '14']);
  });
});
