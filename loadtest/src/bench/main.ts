/**
 * npm run bench: the in-process routing benchmark, then the end-to-end one, each against
 * a baseline measured in the same run; the report goes to stdout and loadtest/reports/.
 * Exits 1 when the indexed router disagrees with brute force (or anything fails).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BENCH_CITY, type CityOptions, generateCity } from '../city.ts';
import { Cleanup } from './cleanup.ts';
import { runE2eBench } from './e2e-bench.ts';
import { machineNotes } from './machine.ts';
import { type BenchReport, renderReport } from './report.ts';
import { runRoutingBench } from './routing-bench.ts';
import { type BenchSettings, loadBenchSettings } from './settings.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const reportsDir = fileURLToPath(new URL('../../reports/', import.meta.url));

function log(line: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** The knobs set for this run, so the report's command can be pasted to repeat it. */
function commandLine(): string {
  const knobs = Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_'))
    .map(([name, value]) => `${name}=${value}`)
    .sort();
  return [...knobs, 'npm run bench'].join(' ');
}

async function main(settings: BenchSettings, cleanup: Cleanup): Promise<number> {
  const startedAt = new Date().toISOString();
  const wantsE2e = settings.only !== 'routing';
  const machine = await machineNotes(
    wantsE2e ? settings.databaseUrl : undefined,
    wantsE2e ? settings.redisUrl : undefined,
  );
  // Fewer stores make a smaller city at the same density, so each order still sees as many
  // stores in its circle as in the full city (the brute-force baseline gets cheaper, though).
  const scale = settings.stores / BENCH_CITY.stores;
  const options: CityOptions = {
    ...BENCH_CITY,
    seed: settings.seed,
    stores: settings.stores,
    orders: settings.orders,
    sizeKm: Math.round(BENCH_CITY.sizeKm * Math.sqrt(scale) * 10) / 10,
    clusters: Math.max(1, Math.round(BENCH_CITY.clusters * scale)),
  };
  let started = performance.now();
  const city = generateCity(options);
  const generateMs = performance.now() - started;
  const meanSkusPerStore = city.stock.reduce((sum, skus) => sum + skus.length, 0) / city.stock.length;
  log(`city generated in ${(generateMs / 1000).toFixed(1)} s`);
  const report: BenchReport = {
    startedAt,
    command: commandLine(),
    machine,
    city: { ...options, meanSkusPerStore, generateMs },
    routing: null,
    e2e: null,
  };
  let failed = false;
  if (settings.only !== 'e2e') {
    started = performance.now();
    report.routing = runRoutingBench(city, {
      budgetMs: settings.routingBudgetMs,
      bruteOrders: settings.bruteOrders,
      log,
    });
    log(`in-process benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (report.routing.mismatches > 0) {
      failed = true;
      console.error(
        `\nFAILED: the indexed router disagrees with brute force on ${report.routing.mismatches} orders:\n` +
          report.routing.mismatchExamples.map((line) => `  ${line}`).join('\n'),
      );
    }
    global.gc?.();
  }
  if (wantsE2e && !failed) {
    report.e2e = await runE2eBench(city, {
      repoRoot,
      databaseUrl: settings.databaseUrl,
      databaseName: settings.databaseName,
      redisUrl: settings.redisUrl,
      load: settings.load,
      cleanup,
      log,
    });
    await cleanup.run(log);
    if (report.e2e.spotCheck.mismatches > 0) {
      failed = true;
      console.error(
        `\nFAILED: the intake routed differently from memory:\n  ${report.e2e.spotCheck.examples.join('\n  ')}`,
      );
    }
  }
  const markdown = renderReport(report);
  mkdirSync(reportsDir, { recursive: true });
  const stamp = startedAt.replaceAll(':', '-').slice(0, 19);
  writeFileSync(`${reportsDir}bench-${stamp}.md`, `${markdown}\n`);
  writeFileSync(`${reportsDir}bench-${stamp}.json`, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${markdown}`);
  log(`report written to loadtest/reports/bench-${stamp}.md`);
  return failed ? 1 : 0;
}

const cleanup = new Cleanup();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup.run(log).finally(() => process.exit(130));
  });
}
try {
  process.exitCode = await main(loadBenchSettings(), cleanup);
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanup.run(log);
}
// Sockets of autocannon or a pool left open must not keep a finished bench alive.
process.exit(process.exitCode ?? 0);
