import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Copies a child's output line by line with its name in front, so three services can share a terminal. */
export function prefixLines(source: Readable, prefix: string, target: Writable): Promise<void> {
  const lines = createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => target.write(`${prefix}${line}\n`));
  return new Promise((resolveDone) => lines.once('close', resolveDone));
}
