import { describe, expect, it } from 'vitest';
import { splitArgs } from './cli.ts';

describe('splitArgs', () => {
  it('splits at the separator, keeping later dashes for the command', () => {
    expect(splitArgs(['--keep', '--', 'turbo', 'run', 'test', '--concurrency=2'])).toEqual({
      flags: ['--keep'],
      command: ['turbo', 'run', 'test', '--concurrency=2'],
    });
  });

  it('without a separator, the command starts at the first word that is not a flag', () => {
    expect(splitArgs(['--keep', 'vitest', '--run'])).toEqual({
      flags: ['--keep'],
      command: ['vitest', '--run'],
    });
    expect(splitArgs(['--no-demo'])).toEqual({ flags: ['--no-demo'], command: [] });
  });
});
