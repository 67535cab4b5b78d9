import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const main = new URL('./main.ts', import.meta.url).pathname;

// The SIGTERM path is the shared runService(), exercised end to end by the dispatcher's main test.
describe('fulfilment main.ts', () => {
  it('exits 1 naming the bad setting', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH ?? '', WORKER_CONCURRENCY: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^fulfilment: invalid settings: WORKER_CONCURRENCY/);
  });
});
