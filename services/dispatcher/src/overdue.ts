import type { Sql } from '@quarterhour/db';
import type { Clock } from '@quarterhour/domain';
import type { OrderLifecycle } from '@quarterhour/lifecycle';
import { type Logger, meter } from '@quarterhour/telemetry';

export interface OverdueSweepOptions {
  sql: Sql;
  lifecycle: OrderLifecycle;
  clock: Clock;
  /** How long past its deadline an order must be before the sweep acts: its timer job had time. */
  graceMs: number;
  /** Orders looked at per sweep, oldest deadline first. */
  batch?: number;
}

/**
 * Times out orders still `assigned` well past their acceptance deadline: their timer job
 * was lost (Redis unreachable when the order was committed, or the process gone between the
 * commit and the enqueue). Each goes through `OrderLifecycle.timeout`, as the job would
 * have: it re-checks the order under its row lock, so a sweep racing the real timer, another
 * dispatcher's sweep or the site's own answer changes nothing twice.
 *
 * Returns how many orders it re-routed.
 */
export async function sweepOverdueAcceptances(options: OverdueSweepOptions): Promise<number> {
  const cutoff = new Date(options.clock.now().getTime() - options.graceMs);
  const overdue = await options.sql<{ id: string; site_id: string; attempt: number }[]>`
    select id, site_id, attempt from orders
    where status = 'assigned' and accept_by < ${cutoff}
    order by accept_by limit ${options.batch ?? 100}`;
  let rerouted = 0;
  for (const order of overdue) {
    if ((await options.lifecycle.timeout(order.id, order.site_id, order.attempt)) === 'rerouted')
      rerouted += 1;
  }
  return rerouted;
}

export interface OverdueSweeper {
  /** One sweep now (tests; the timer runs them on its own). */
  sweepOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** Runs the sweep every `everyMs`, one at a time; counts and logs what it recovered. */
export function startOverdueSweeper(
  options: OverdueSweepOptions & { everyMs: number; log: Logger },
): OverdueSweeper {
  const recovered = meter().createCounter('acceptance_timers_recovered_total', {
    description: 'Orders re-routed by the sweep because their acceptance timer never fired',
  });
  let running: Promise<number> | undefined;
  const sweepOnce = () => {
    running ??= sweepOverdueAcceptances(options)
      .then((rerouted) => {
        if (rerouted > 0) {
          recovered.add(rerouted);
          options.log.warn('re-routed orders whose acceptance timer was lost', { orders: rerouted });
        }
        return rerouted;
      })
      .catch((error: unknown) => {
        options.log.warn('overdue acceptance sweep failed', { error });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void sweepOnce(), options.everyMs);
  timer.unref();
  return {
    sweepOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
