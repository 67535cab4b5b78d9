import {
  GroupCommitter,
  type OrderRecord,
  type OrderStore,
  type Sql,
  type StoredOrder,
} from '@quarterhour/db';
import { AppError, type Clock, type NewOrder, type Order, unavailable } from '@quarterhour/domain';
import { cellOf } from '@quarterhour/geo';
import type {
  AcceptanceTimer,
  AcceptanceTimers,
  StatusChange,
  StatusChangeListener,
} from '@quarterhour/lifecycle';
import {
  type Candidate,
  type Plan,
  planRoute,
  type ReservationTarget,
  type Reserver,
  type RoutingPolicy,
  type SiteIndex,
  type UnroutableReason,
} from '@quarterhour/routing';
import type { HotStateGuard } from '../hot-state.ts';
import { newOrderId, requestHash } from './order-ids.ts';

const REPLAY_WAIT_MS = 10_000;
const REPLAY_POLL_MS = 20;

export type CreateResult =
  /** 201 when this request made the order, 200 for a replay. */
  | { kind: 'routed'; replay: boolean; order: Order }
  /** 422 with the kept order, the first time and on every replay. */
  | { kind: 'unroutable'; replay: boolean; order: Order };

/** What the reserve step decided, with the plan's reason when there was no candidate. */
type Reserved =
  | { kind: 'reserved'; candidate: Candidate }
  | { kind: 'unroutable'; reason: UnroutableReason }
  | { kind: 'replay'; orderId: string };

export interface RoutingMetrics {
  recordDecision(outcome: string, seconds: number): void;
}

/**
 * Takes an order from a platform to a decision within the request: plan in memory,
 * reserve in Redis in one script call, commit to PostgreSQL (grouped with concurrent
 * orders), and only then answer. A reservation whose commit fails is released at once.
 */
export class OrderService {
  private readonly writer: GroupCommitter<OrderRecord, Order>;

  constructor(
    private readonly deps: {
      sql: Sql;
      orders: OrderStore;
      index: SiteIndex;
      reserver: Reserver;
      hotState: HotStateGuard;
      policy: RoutingPolicy;
      clock: Clock;
      metrics?: RoutingMetrics;
      listeners: readonly StatusChangeListener[];
      timers: AcceptanceTimers;
    },
  ) {
    // Each write resolves to the order as committed, built once for listeners and the answer.
    this.writer = new GroupCommitter<OrderRecord, Order>(async (records) => {
      const changes = records.map(statusChange);
      const recorders = deps.listeners.filter((listener) => listener.record || listener.recordMany);
      if (recorders.length === 0) {
        await deps.orders.insertMany(deps.sql, records);
      } else {
        // An outbox (webhooks) must commit with the orders: one transaction, queries pipelined.
        await deps.sql.begin(async (tx) => {
          await deps.orders.insertMany(tx, records);
          await Promise.all(
            recorders.flatMap((listener) =>
              listener.recordMany
                ? [listener.recordMany(tx, changes)]
                : changes.map((change) => listener.record!(tx, change)),
            ),
          );
        });
      }
      this.afterCommit(records, changes);
      // Confirmation is an optimisation: the sweeper confirms committed orders it finds.
      await deps.reserver.confirm(records.filter((r) => r.site !== null).map((r) => r.id)).catch(() => {});
      return changes.map((change) => change.order);
    });
  }

  /** Notifies listeners and starts acceptance timers; failures here never undo a committed order. */
  private afterCommit(records: readonly OrderRecord[], changes: readonly StatusChange[]): void {
    for (const listener of this.deps.listeners) {
      Promise.resolve(listener.afterCommit?.(changes)).catch(() => {});
    }
    const timers: AcceptanceTimer[] = [];
    for (const record of records) {
      if (record.status === 'assigned' && record.site && record.acceptBy) {
        timers.push({
          orderId: record.id,
          siteId: record.site.id,
          attempt: 1,
          dueAt: record.acceptBy,
          priority: record.priority,
        });
      }
    }
    // A lost enqueue is found by the dispatcher's overdue sweep (docs/LIFECYCLE.md).
    if (timers.length > 0) this.deps.timers.scheduleMany(timers).catch(() => {});
  }

  async create(platformKeyId: string, body: NewOrder): Promise<CreateResult> {
    const started = performance.now();
    const now = this.deps.clock.now();
    const hash = requestHash(body);
    const id = newOrderId(now);
    const lines = body.items ?? [];
    const target: ReservationTarget = { orderId: id, platformKeyId, externalId: body.externalId, lines };
    const plan = planRoute(
      this.deps.index,
      {
        point: body.customer,
        maxWalkMinutes: body.maxWalkMinutes,
        items: body.items,
        serviceType: body.service?.type,
      },
      now,
      this.deps.policy,
    );
    const outcome = await this.reserve(target, plan);
    if (outcome.kind === 'replay') return this.replay(platformKeyId, body.externalId, hash);

    const record = this.record(id, platformKeyId, body, hash, now, outcome);
    let order: Order;
    try {
      order = await this.writer.write(record);
    } catch (error) {
      await this.undo(target, outcome);
      if ((error as { code?: string }).code === '23505')
        return this.replay(platformKeyId, body.externalId, hash);
      throw error;
    }
    this.deps.metrics?.recordDecision(
      outcome.kind === 'reserved' ? 'routed' : record.unroutableReason!,
      (performance.now() - started) / 1000,
    );
    return outcome.kind === 'reserved'
      ? { kind: 'routed', replay: false, order }
      : { kind: 'unroutable', replay: false, order };
  }

  private async reserve(target: ReservationTarget, plan: Plan): Promise<Reserved> {
    const ranked = plan.ok ? plan.ranked : [];
    let outcome = await this.deps.reserver.reserve(target, ranked);
    if (outcome.kind === 'hot_state_missing') {
      await this.deps.hotState.ensure(true);
      outcome = await this.deps.reserver.reserve(target, ranked);
      if (outcome.kind === 'hot_state_missing') throw unavailable('stock is being rebuilt; try again');
    }
    // Without candidates the script only claimed the id; the plan knows the true reason.
    if (!plan.ok && outcome.kind === 'unroutable') return { kind: 'unroutable', reason: plan.reason };
    return outcome;
  }

  private async undo(target: ReservationTarget, outcome: Reserved): Promise<void> {
    try {
      if (outcome.kind === 'reserved')
        await this.deps.reserver.releasePending(target, outcome.candidate.site.id);
      else await this.deps.reserver.dropClaim(target);
    } catch {
      // Redis is unreachable too: the sweeper releases it once the pending entry expires.
    }
  }

  /** The same (key, externalId) again: wait for the first decision, then answer with it. */
  private async replay(platformKeyId: string, externalId: string, hash: string): Promise<CreateResult> {
    const deadline = Date.now() + REPLAY_WAIT_MS;
    let stored: StoredOrder | null = await this.deps.orders.findByExternalId(platformKeyId, externalId);
    while (!stored) {
      if (Date.now() > deadline)
        throw unavailable('the first request with this externalId is still being routed');
      await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
      stored = await this.deps.orders.findByExternalId(platformKeyId, externalId);
    }
    if (stored.requestHash !== hash) {
      throw new AppError('idempotency_conflict', `externalId ${externalId} was used with a different body`);
    }
    return stored.order.status === 'unroutable'
      ? { kind: 'unroutable', replay: true, order: stored.order }
      : { kind: 'routed', replay: true, order: stored.order };
  }

  private record(
    id: string,
    platformKeyId: string,
    body: NewOrder,
    hash: string,
    now: Date,
    outcome: Exclude<Reserved, { kind: 'replay' }>,
  ): OrderRecord {
    const base = {
      id,
      platformKeyId,
      externalId: body.externalId,
      requestHash: hash,
      items: body.items ?? null,
      serviceType: body.service?.type ?? null,
      customer: body.customer,
      cell: cellOf(body.customer),
      fulfilment: body.fulfilment,
      priority: body.priority,
      maxWalkMinutes: body.maxWalkMinutes,
      parcel: body.parcel ?? null,
      createdAt: now,
    };
    if (outcome.kind === 'unroutable') {
      const reason = outcome.reason;
      return {
        ...base,
        status: 'unroutable',
        unroutableReason: reason,
        site: null,
        stockHeld: false,
        loadHeld: false,
        acceptBy: null,
        events: [{ type: 'unroutable', data: { reason } }],
      };
    }
    const chosen: Candidate = outcome.candidate;
    const site = {
      id: chosen.site.id,
      name: chosen.site.name,
      distanceMeters: round(chosen.distanceMeters, 1e3),
      walkMinutes: round(chosen.walkMinutes, 1e3),
    };
    const assigned = { type: 'assigned', data: { siteId: site.id, distanceMeters: site.distanceMeters } };
    const auto = chosen.site.acceptanceMode === 'auto';
    return {
      ...base,
      status: auto ? 'accepted' : 'assigned',
      unroutableReason: null,
      site,
      stockHeld: body.items !== undefined,
      loadHeld: true,
      acceptBy: auto ? null : new Date(now.getTime() + chosen.site.acceptanceTimeoutSeconds * 1000),
      events: auto ? [assigned, { type: 'accepted', data: { siteId: site.id, auto: true } }] : [assigned],
    };
  }
}

function round(value: number, factor: number): number {
  return Math.round(value * factor) / factor;
}

function statusChange(record: OrderRecord): StatusChange {
  return {
    orderId: record.id,
    platformKeyId: record.platformKeyId,
    siteId: record.site?.id ?? null,
    from: null,
    status: record.status,
    at: record.createdAt,
    order: toOrder(record),
  };
}

function toOrder(record: OrderRecord): Order {
  const at = record.createdAt.toISOString();
  return {
    id: record.id,
    externalId: record.externalId,
    status: record.status,
    cell: record.cell,
    customer: record.customer,
    fulfilment: record.fulfilment,
    priority: record.priority,
    maxWalkMinutes: record.maxWalkMinutes,
    ...(record.items ? { items: record.items } : {}),
    ...(record.serviceType ? { service: { type: record.serviceType } } : {}),
    ...(record.parcel ? { parcel: record.parcel } : {}),
    ...(record.unroutableReason ? { unroutableReason: record.unroutableReason } : {}),
    ...(record.site ? { site: record.site } : {}),
    createdAt: at,
    updatedAt: at,
  };
}
