import type { CityOptions } from '../city.ts';
import type { E2eResult, MeasuredPhase } from './e2e-bench.ts';
import type { MachineNotes } from './machine.ts';
import type { RoutingBenchResult } from './routing-bench.ts';

/** The issue's targets; the report says met or missed, the bench fails only on disagreement. */
export const TARGETS = {
  matchesPerSecond: 100_000,
  bruteForceRatio: 50,
  intakeRpsShare: 0.7,
  p99Ratio: 2,
};

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: MachineNotes;
  city: CityOptions & { meanSkusPerStore: number; generateMs: number };
  routing: RoutingBenchResult | null;
  e2e: E2eResult | null;
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const fixed = (value: number | null, digits = 2) => (value === null ? 'n/a' : value.toFixed(digits));
const verdict = (met: boolean) => (met ? 'met' : '**missed**');

/** The run as Markdown, in the shape docs/BENCHMARKS.md quotes it. */
export function renderReport(report: BenchReport): string {
  const { machine, city } = report;
  const lines = [
    `## Run of ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Command: \`${report.command}\``,
    `- Machine: ${machine.cores} cores (\`nproc\`), ${machine.cpuModel}, ${machine.memoryGb} GiB, ${machine.os}`,
    `- Node ${machine.node}, PostgreSQL ${machine.postgres ?? 'n/a'}, Redis ${machine.redis ?? 'n/a'}`,
    `- City: seed \`${city.seed}\`, ${int(city.stores)} stores in ${city.clusters} clusters over ` +
      `${city.sizeKm} × ${city.sizeKm} km around ${city.centre.lat}, ${city.centre.lng}; ${int(city.skus)} SKUs, ` +
      `${city.meanSkusPerStore.toFixed(1)} stocked per store on average; ${int(city.orders)} orders ` +
      `(generated in ${(city.generateMs / 1000).toFixed(1)} s)`,
    '',
  ];
  if (report.routing) lines.push(...routingSection(report.routing));
  if (report.e2e) lines.push(...e2eSection(report.e2e, machine.cores));
  return lines.join('\n');
}

function routingSection(r: RoutingBenchResult): string[] {
  const outcomeTotal = Object.values(r.outcomes).reduce((sum, n) => sum + n, 0);
  const outcomes = Object.entries(r.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([outcome, n]) => `${outcome} ${((n * 100) / outcomeTotal).toFixed(1)}%`)
    .join(', ');
  return [
    `### In-process routing (one thread, at ${r.now})`,
    '',
    '| | orders timed | orders/s (median of chunks) | orders/s (overall) | µs/order (median) |',
    '|---|---:|---:|---:|---:|',
    `| planRoute + decideInMemory | ${int(r.matches.count)} | ${int(r.matches.medianPerSecond)} | ${int(r.matches.perSecond)} | ${fixed(1e6 / r.matches.medianPerSecond, 1)} |`,
    `| brute force (every site) | ${int(r.brute.count)} | ${int(r.brute.medianPerSecond)} | ${int(r.brute.perSecond)} | ${fixed(1e6 / r.brute.medianPerSecond, 1)} |`,
    '',
    `- Ratio: **${r.ratio.toFixed(1)}×** brute force (target ≥ ${TARGETS.bruteForceRatio}×: ${verdict(r.ratio >= TARGETS.bruteForceRatio)}); ` +
      `**${int(r.matches.medianPerSecond)}** matches/s (target ≥ ${int(TARGETS.matchesPerSecond)}: ${verdict(r.matches.medianPerSecond >= TARGETS.matchesPerSecond)})`,
    `- Other processes used ${r.othersBusy === null ? 'n/a' : `${(r.othersBusy * 100).toFixed(0)}%`} of the machine's CPU meanwhile`,
    `- Disagreements with brute force: **${r.mismatches}** of ${int(r.brute.count)} orders`,
    `- Outcomes: ${outcomes}`,
    `- Per order: ${r.meanInCircle.toFixed(1)} stores in the circle; the nearest-first walk read ${r.meanRead.toFixed(1)} ` +
      `entries of the square's list and handed out ${r.meanTaken.toFixed(1)} candidates ` +
      `(${int(r.squareLists.lists)} square lists cached, ${int(r.squareLists.entries)} entries)`,
    '',
    '| step (alone, same sample) | orders | µs/order |',
    '|---|---:|---:|',
    ...r.steps.map((step) => `| ${step.step} | ${int(step.orders)} | ${fixed(step.microsPerOrder, 1)} |`),
    '',
  ];
}

/**
 * What the CPU figures allow, whatever the machine's speed that day: a server's main thread
 * serves at most 1000 / (its CPU ms per request) requests a second, and all parties together
 * at most cores × 1000 / (their sum). The lower bound is the ceiling; the intake's ceiling
 * over the bare app's says how far the measured share could go on this machine.
 */
function cpuBudget(bare: MeasuredPhase, intake: MeasuredPhase, cores: number): string[] {
  const ceiling = (cpu: MeasuredPhase['cpu']) => {
    if (cpu.serverMs === null || cpu.serverMs <= 0) return null;
    const total = cpu.serverMs + (cpu.postgresMs ?? 0) + (cpu.redisMs ?? 0) + cpu.generatorMs;
    return {
      thread: 1000 / cpu.serverMs,
      machine: (cores * 1000) / total,
      total,
    };
  };
  const b = ceiling(bare.cpu);
  const i = ceiling(intake.cpu);
  if (!b || !i) return [];
  const bareCeiling = Math.min(b.thread, b.machine);
  const intakeCeiling = Math.min(i.thread, i.machine);
  return [
    `- CPU budget: one bare request costs ${fixed(b.total, 3)} ms of CPU across all parties, one intake order ` +
      `${fixed(i.total, 3)} ms (${(i.total / b.total).toFixed(1)}×). Ceilings on these ${cores} cores: bare ` +
      `${int(bareCeiling)} req/s (${b.thread < b.machine ? 'its one thread' : 'the machine'}), intake ${int(intakeCeiling)} req/s ` +
      `(${i.thread < i.machine ? 'its one thread' : 'the machine'}): at most **${((intakeCeiling / bareCeiling) * 100).toFixed(0)}%** of the bare figure at these costs.`,
    '',
  ];
}

function e2eSection(e: E2eResult, cores: number): string[] {
  const { bare, intake } = e;
  const rpsShare = bare.load.rps > 0 ? intake.load.rps / bare.load.rps : 0;
  const p99Ratio = bare.load.latencyMs.p99 > 0 ? intake.load.latencyMs.p99 / bare.load.latencyMs.p99 : 0;
  const clean = intake.load.errors === 0 && intake.load.non2xx === 0;
  const lines = [
    `### End to end (POST /v1/orders, ${bare.load.durationS.toFixed(0)} s per server after a warm-up)`,
    '',
    `- Setup: ${int(e.setup.stockRows)} stock rows; sites through POST /v1/sites/bulk ${(e.setup.sitesMs / 1000).toFixed(1)} s, ` +
      `stock COPY ${(e.setup.stockMs / 1000).toFixed(1)} s, intake rebuild of hot stock ${(e.setup.rebuildMs / 1000).toFixed(1)} s ` +
      `(total ${((e.setup.sitesMs + e.setup.stockMs + e.setup.rebuildMs) / 1000).toFixed(1)} s)`,
    `- Spot check before the load: ${e.spotCheck.mismatches} of ${e.spotCheck.orders} orders routed differently from the in-memory library`,
    `- Bodies: ${int(e.distinctBodies)} distinct routable orders, each request with a new externalId`,
    '',
    '| | requests/s | p50 ms | p99 ms | max ms | 2xx | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    phaseRow('bare Express 5', bare),
    phaseRow('intake', intake),
    '',
    `- Intake/bare requests/s: **${(rpsShare * 100).toFixed(1)}%** (target ≥ ${TARGETS.intakeRpsShare * 100}%: ${verdict(rpsShare >= TARGETS.intakeRpsShare)})`,
    `- Intake/bare p99: **${p99Ratio.toFixed(2)}×** (target ≤ ${TARGETS.p99Ratio}×: ${verdict(p99Ratio <= TARGETS.p99Ratio)})`,
    `- Errors and non-2xx at the intake: ${intake.load.errors + intake.load.non2xx} (target 0: ${verdict(clean)})` +
      (Object.keys(intake.load.statusCodes).length
        ? `; status codes ${JSON.stringify(intake.load.statusCodes)}`
        : ''),
    '',
    '| CPU ms per request | server | PostgreSQL | Redis (whole server) | load generator | machine busy | of which other processes |',
    '|---|---:|---:|---:|---:|---:|---:|',
    cpuRow('bare Express 5', bare),
    cpuRow('intake', intake),
    '',
    ...cpuBudget(bare, intake, cores),
  ];
  if (e.profile) lines.push(...profileSection(e.profile));
  return lines;
}

function phaseRow(name: string, phase: MeasuredPhase): string {
  const { load } = phase;
  return `| ${name} | ${int(load.rps)} | ${load.latencyMs.p50} | ${load.latencyMs.p99} | ${load.latencyMs.max} | ${int(load.ok2xx)} | ${int(load.non2xx)} | ${int(load.errors)} |`;
}

function cpuRow(name: string, phase: MeasuredPhase): string {
  const { cpu } = phase;
  const share = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(0)}%`);
  const who = cpu.othersByCommand
    .slice(0, 3)
    .map((entry) => `${entry.command} ${share(entry.busy)}`)
    .join(', ');
  return `| ${name} | ${fixed(cpu.serverMs, 3)} | ${fixed(cpu.postgresMs, 3)} | ${fixed(cpu.redisMs, 3)} | ${fixed(cpu.generatorMs, 3)} | ${share(cpu.machineBusy)} | ${share(cpu.othersBusy)}${who ? ` (${who})` : ''} |`;
}

function profileSection(profile: NonNullable<E2eResult['profile']>): string[] {
  const perOrder = (ms: number) => ((ms * 1000) / Math.max(profile.orders, 1)).toFixed(1);
  return [
    `#### Intake profile (${int(profile.orders)} orders; ${perOrder(profile.busyMs)} µs of sampled main-thread time per order)`,
    '',
    '| self µs/order | share | area | function |',
    '|---:|---:|---|---|',
    ...profile.topSelf.map(
      (entry) =>
        `| ${perOrder(entry.selfMs)} | ${((entry.selfMs * 100) / profile.busyMs).toFixed(1)}% | ${entry.area} | \`${entry.label}\` |`,
    ),
    '',
    '| area | self µs/order | share |',
    '|---|---:|---:|',
    ...profile.areas
      .slice(0, 15)
      .map(
        (area) =>
          `| ${area.area} | ${perOrder(area.selfMs)} | ${((area.selfMs * 100) / profile.busyMs).toFixed(1)}% |`,
      ),
    '',
    '| our function (total, synchronous part) | µs/order |',
    '|---|---:|',
    ...profile.topOwnTotal.slice(0, 15).map((entry) => `| \`${entry.label}\` | ${perOrder(entry.totalMs)} |`),
    '',
  ];
}
