/**
 * npm run demo:seed
 *
 * Seeds the Edinburgh demo city into a running stack (`npm start`) through its public HTTP
 * API, and again over an already seeded one. The API is at QH_BASE_URL, else
 * http://127.0.0.1:$PORT (3000 by default); the ops key is OPS_API_KEY, else the key
 * `npm start` keeps in .local/ops-key. See docs/DEMO-CITY.md.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { ApiRefusal, ApiUnreachable, seedDemo } from '../src/demo/index.ts';
import { localLayout, repoRoot } from '../src/stack/local-dir.ts';

async function main(): Promise<void> {
  const baseUrl = process.env.QH_BASE_URL || `http://127.0.0.1:${process.env.PORT || 3000}`;
  const opsKey = await opsKeyFromEnvironmentOrFile();
  const started = performance.now();
  const result = await seedDemo({ baseUrl, opsKey, log: (line) => console.log(line) });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `seeded ${baseUrl} in ${seconds} s: ${result.sites} sites (${result.stores} stores, ` +
      `${result.providers} providers), ${result.skipped} rows skipped, ${result.stockLines} stock lines`,
  );
}

async function opsKeyFromEnvironmentOrFile(): Promise<string> {
  if (process.env.OPS_API_KEY) return process.env.OPS_API_KEY;
  const file = localLayout().opsKeyFile;
  const key = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (key) return key;
  throw new MissingOpsKey(
    `no ops key: set OPS_API_KEY, or start the stack with \`npm start\`, which keeps one in ` +
      `${relative(repoRoot, file)}`,
  );
}

class MissingOpsKey extends Error {}

main().catch((error: unknown) => {
  // What the user can fix (a refusal, no stack, no key) is one line; anything else a bug with its trace.
  const expected =
    error instanceof ApiRefusal || error instanceof ApiUnreachable || error instanceof MissingOpsKey;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`demo:seed failed: ${message}`);
  if (!expected && error instanceof Error) console.error(error.stack);
  process.exit(1);
});
