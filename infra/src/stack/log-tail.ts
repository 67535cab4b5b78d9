import { readFile } from 'node:fs/promises';

/** The last lines of a server's log, to show why it did not start. */
export async function tailOfFile(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '(no log)');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
