import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until the URL answers 200. `gaveUp` lets the caller stop waiting early, for
 * instance when the process that should answer has already exited.
 */
export async function waitForOk(
  url: string,
  timeoutMs: number,
  gaveUp: () => boolean = () => false,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gaveUp()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return false;
}
