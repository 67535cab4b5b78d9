import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors.ts';
import { isAlive } from './processes.ts';

/**
 * Serialises the start and stop of private servers between commands run at the same time
 * in one checkout (two terminals, or `npm test` while `npm start` runs), so they share one
 * server instead of racing for the same data folder. A lock whose owner died is taken over.
 */
export async function withLock<T>(file: string, work: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(file, 'utf8').catch(() => '0'));
      if (owner && !isAlive(owner)) {
        await unlink(file).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) {
        throw new StackError(`another stack command (pid ${owner}) has held ${file} for too long`);
      }
      await sleep(100);
    }
  }
  try {
    return await work();
  } finally {
    await unlink(file).catch(() => {});
  }
}
