/**
 * npm run demo:simulate [-- --duration <seconds>] [--rate <orders a second>]
 *
 * Simulated traffic on a running stack that holds the demo city (`npm start`, or
 * `npm start -- --no-demo` then `npm run demo:seed`): customers, stores, couriers and lockers
 * through the public HTTP API. Runs until Ctrl-C, or for --duration seconds; ~1 order a second
 * unless --rate says otherwise. The API is at QH_BASE_URL, else http://127.0.0.1:$PORT (3000);
 * the ops key is OPS_API_KEY, else the one `npm start` keeps in .local/ops-key.
 * See docs/DEMO-CITY.md "Simulated traffic".
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { loadEdinburghCity } from '../src/demo/index.ts';
import { startSimulation } from '../src/demo/simulate/index.ts';
import { onStopSignal, runCli } from '../src/stack/cli.ts';
import { demoKeysFile } from '../src/stack/demo-seed.ts';
import { loadDotEnv } from '../src/stack/dot-env.ts';
import { StackError } from '../src/stack/errors.ts';
import { localLayout, repoRoot } from '../src/stack/local-dir.ts';
import { say } from '../src/stack/say.ts';

const USAGE = 'usage: npm run demo:simulate [-- --duration <seconds>] [--rate <orders a second>]';

runCli(async () => {
  loadDotEnv();
  const { duration, rate } = parseFlags(process.argv.slice(2).filter((arg) => arg !== '--'));
  const baseUrl = process.env.QH_BASE_URL || `http://127.0.0.1:${process.env.PORT || 3000}`;
  const opsKey = await opsKeyFromEnvironmentOrFile();
  // Fail at once when no stack answers, rather than retrying setup for ever.
  const ready = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
  if (ready?.status !== 200)
    throw new StackError(`no ready stack at ${baseUrl}; start one with \`npm start\``);

  const simulation = startSimulation({
    baseUrl,
    opsKey,
    city: await loadEdinburghCity(),
    rate,
    durationMs: duration === undefined ? undefined : duration * 1000,
    keysFile: demoKeysFile(),
    log: (line) => say(`demo: ${line}`),
  });
  onStopSignal(() => void simulation.stop());
  await simulation.done;
  return 0;
});

function parseFlags(args: string[]): { duration?: number; rate?: number } {
  const values: Record<string, number> = {};
  for (let i = 0; i < args.length; i += 1) {
    const [flag = '', inline] = args[i]!.split('=', 2);
    if (flag !== '--duration' && flag !== '--rate') throw new StackError(`unknown option ${flag}; ${USAGE}`);
    const value = Number(inline ?? args[++i]);
    if (!Number.isFinite(value) || value <= 0)
      throw new StackError(`${flag} takes a positive number; ${USAGE}`);
    values[flag.slice(2)] = value;
  }
  return { duration: values.duration, rate: values.rate };
}

async function opsKeyFromEnvironmentOrFile(): Promise<string> {
  if (process.env.OPS_API_KEY) return process.env.OPS_API_KEY;
  const file = localLayout().opsKeyFile;
  const key = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (key) return key;
  throw new StackError(
    `no ops key: set OPS_API_KEY, or start the stack with \`npm start\`, which keeps one in ${relative(repoRoot, file)}`,
  );
}
