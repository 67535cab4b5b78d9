import {
  type Candidate,
  type Decision,
  decideInMemory,
  type Plan,
  planRoute,
  type RoutingRequest,
} from '@quarterhour/routing';
import { bruteForceRoute } from '../brute-force.ts';
import type { City, CityOrder } from '../city.ts';
import { buildSiteIndex, buildStockView, choiceOf, DEFAULT_CIRCLE } from '../memory-city.ts';
import { machineCpuSeconds } from './cpu.ts';
import { meanSitesScanned } from './scan-stats.ts';
import { perSecond, spread, type Timed, timeBoxed } from './timing.ts';

/**
 * A fixed instant, Wednesday 19:30 in Shanghai: some stores are closed then (breakfast
 * hours), and the library's per-minute clock cache is warm, as it is in steady traffic.
 */
export const ROUTING_NOW = new Date('2025-06-11T11:30:00.000Z');

const WARMUP_MS = 2_000;
const STEP_SAMPLE = 10_000;
const STEP_BUDGET_MS = 3_000;

export interface StepTiming {
  step: string;
  orders: number;
  microsPerOrder: number;
}

export interface RoutingBenchResult {
  now: string;
  buildMs: number;
  /** `perSecond` over everything timed; the ratio uses the medians of chunks. */
  matches: Timed & { perSecond: number };
  brute: Timed & { perSecond: number };
  ratio: number;
  /** Share of the machine's CPU that other processes used meanwhile (0..1; null off Linux). */
  othersBusy: number | null;
  mismatches: number;
  mismatchExamples: string[];
  outcomes: Record<string, number>;
  steps: StepTiming[];
  meanInCircle: number;
  meanScanned: number;
}

/**
 * planRoute + decideInMemory against a brute-force scan of every site, on one thread, in
 * the same run; then the same sample through both to count disagreements (must be none).
 */
export function runRoutingBench(
  city: City,
  options: { budgetMs: number; bruteOrders: number; log: (line: string) => void },
): RoutingBenchResult {
  const { log } = options;
  const now = ROUTING_NOW;
  const machineBefore = machineCpuSeconds();
  const selfBefore = process.cpuUsage();
  const built = performance.now();
  const index = buildSiteIndex(city);
  const view = buildStockView(city);
  const buildMs = performance.now() - built;
  log(`index and stock view built in ${(buildMs / 1000).toFixed(1)} s`);

  const route = (order: CityOrder): Decision =>
    decideInMemory(planRoute(index, requestOf(order), now), view, order.items);

  let sink = 0;
  timeBoxed([...city.orders].reverse(), (order) => (sink += route(order).ok ? 1 : 0), {
    budgetMs: WARMUP_MS,
  });
  const outcomes: Record<string, number> = {};
  let firstPass = true;
  const matchesTimed = timeBoxed(
    city.orders,
    (order, i) => {
      const decision = route(order);
      if (firstPass) {
        const key = decision.ok ? 'routed' : decision.reason;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        if (i === city.orders.length - 1) firstPass = false;
      }
    },
    { budgetMs: options.budgetMs, passes: 3 },
  );
  const matches = { ...matchesTimed, perSecond: perSecond(matchesTimed) };
  log(
    `planRoute + decideInMemory: ${Math.round(matches.medianPerSecond)} orders/s (median of chunks) over ${matches.count}`,
  );

  const { steps, meanInCircle } = timeSteps(spread(city.orders, STEP_SAMPLE), index, view, now);
  const meanScanned = meanSitesScanned(city, spread(city.orders, STEP_SAMPLE));
  const sample = spread(city.orders, options.bruteOrders);

  timeBoxed(sample.slice(0, 50), (order) => bruteForceRoute(city.sites, view, order, now, DEFAULT_CIRCLE), {
    budgetMs: WARMUP_MS,
  });
  const bruteChoices: string[] = [];
  const bruteTimed = timeBoxed(
    sample,
    (order) => bruteChoices.push(choiceOf(bruteForceRoute(city.sites, view, order, now, DEFAULT_CIRCLE))),
    { budgetMs: Number.POSITIVE_INFINITY, chunk: 128 },
  );
  const brute = { ...bruteTimed, perSecond: perSecond(bruteTimed) };
  log(`brute force: ${brute.medianPerSecond.toFixed(1)} orders/s (median of chunks) over ${brute.count}`);

  const mismatchExamples: string[] = [];
  let mismatches = 0;
  sample.forEach((order, i) => {
    const indexed = choiceOf(route(order));
    if (indexed === bruteChoices[i]) return;
    mismatches += 1;
    if (mismatchExamples.length < 10)
      mismatchExamples.push(`${order.externalId}: index ${indexed}, brute force ${bruteChoices[i]}`);
  });
  if (sink < 0) log('unreachable');
  const machineAfter = machineCpuSeconds();
  const selfUsage = process.cpuUsage(selfBefore);
  const othersBusy =
    machineBefore && machineAfter
      ? Math.max(
          0,
          (machineAfter.busy - machineBefore.busy - (selfUsage.user + selfUsage.system) / 1e6) /
            (machineAfter.total - machineBefore.total),
        )
      : null;
  return {
    now: now.toISOString(),
    buildMs,
    matches,
    brute,
    ratio: brute.medianPerSecond > 0 ? matches.medianPerSecond / brute.medianPerSecond : 0,
    othersBusy,
    mismatches,
    mismatchExamples,
    outcomes,
    steps,
    meanInCircle,
    meanScanned,
  };
}

function requestOf(order: CityOrder): RoutingRequest {
  return { point: order.customer, maxWalkMinutes: order.maxWalkMinutes, items: order.items };
}

/**
 * Where the time of one match goes: the index's circle scan alone, then the whole plan
 * (scan and heap), then the lazy ranking with eligibility and the in-memory stock check,
 * over the same sample, each fed with the previous step's output made outside the clock.
 */
function timeSteps(
  orders: CityOrder[],
  index: ReturnType<typeof buildSiteIndex>,
  view: ReturnType<typeof buildStockView>,
  now: Date,
): { steps: StepTiming[]; meanInCircle: number } {
  const requests = orders.map(requestOf);
  const inCircle: Candidate[][] = [];
  const within = timeBoxed(
    requests,
    (request) => inCircle.push(index.within(request.point, request.maxWalkMinutes, request.serviceType)),
    { budgetMs: STEP_BUDGET_MS },
  );
  const plans: Plan[] = [];
  const plan = timeBoxed(requests, (request) => plans.push(planRoute(index, request, now)), {
    budgetMs: STEP_BUDGET_MS,
  });
  const decide = timeBoxed(plans, (made, i) => decideInMemory(made, view, orders[i]!.items), {
    budgetMs: STEP_BUDGET_MS,
  });
  const micros = (timed: Timed) => (timed.count ? (timed.ms * 1000) / timed.count : 0);
  const candidates = inCircle.reduce((sum, list) => sum + list.length, 0);
  const steps = [
    { step: 'index.within (candidates in the circle)', orders: within.count, microsPerOrder: micros(within) },
    { step: 'planRoute (scan + heap of candidates)', orders: plan.count, microsPerOrder: micros(plan) },
    {
      step: 'decideInMemory (lazy ranking, eligibility, capacity, stock)',
      orders: decide.count,
      microsPerOrder: micros(decide),
    },
  ];
  return { steps, meanInCircle: candidates / Math.max(inCircle.length, 1) };
}
