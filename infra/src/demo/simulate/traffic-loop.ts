import type { TrafficPlan } from './city.ts';
import type { SimContext } from './context.ts';
import { type TrafficMix, trafficGenerator } from './traffic.ts';
import { sleep } from './wait.ts';
import type { WireOrder } from './wire.ts';

/** Orders sent and not yet answered; beyond this a slow stack is not pushed harder. */
const MAX_IN_FLIGHT = 8;

/**
 * The customers: orders at `rate` a second on average, in Poisson arrivals (exponential gaps),
 * each placed with the platform key; a 422 is counted with its reason.
 */
export async function placeOrders(
  ctx: SimContext,
  options: { rate: number; seed: string; prefix: string; mix?: TrafficMix; plan: () => TrafficPlan },
): Promise<void> {
  const generator = trafficGenerator({ seed: options.seed, prefix: options.prefix, mix: options.mix });
  const meanGapMs = 1000 / options.rate;
  let inFlight = 0;
  let idleNoted = false;
  const sending = new Set<Promise<void>>();
  while (!ctx.signal.aborted) {
    // Capped at 5 mean gaps, so a rare long draw does not look like a stall.
    await sleep(Math.min(-Math.log(1 - ctx.random.next()) * meanGapMs, 5 * meanGapMs), ctx.signal);
    if (ctx.signal.aborted || inFlight >= MAX_IN_FLIGHT) continue;
    const intent = generator.next(options.plan());
    if (!intent) {
      if (!idleNoted) ctx.log('simulation: no store or provider is open now; no orders until one opens');
      idleNoted = true;
      continue;
    }
    idleNoted = false;
    inFlight += 1;
    const sent = place(ctx, intent.body).finally(() => {
      inFlight -= 1;
      sending.delete(sent);
    });
    sending.add(sent);
  }
  await Promise.all(sending);
}

async function place(ctx: SimContext, body: unknown): Promise<void> {
  const answer = await ctx.http.call('POST', '/v1/orders', ctx.platformKey, { body, expect: [422] });
  if (answer?.status === 200 || answer?.status === 201)
    ctx.orders.placed(answer.body as WireOrder, Date.now());
  else if (answer?.status === 422) {
    const reason = (answer.body as { error?: { reason?: string } } | undefined)?.error?.reason;
    ctx.orders.refused(reason ?? 'unknown');
  }
}
