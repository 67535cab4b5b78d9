import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { logisticsKeys } from '@quarterhour/logistics';
import { createQueue, createRedisConnection, type TypedQueue } from '@quarterhour/queue';
import { startWebhookReceiver, type WebhookReceiver } from '@quarterhour/webhooks/testing';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

/**
 * The must-show: `kill -9` of the fulfilment process in the middle of jobs loses
 * nothing. The intake runs in-process; the fulfilment service is a real child process
 * (`node --import tsx main.ts`) on the same database and Redis prefix, killed with SIGKILL
 * while its queue has jobs running, and started again. Couriers and sites act through the
 * API all along, orders are cancelled while fulfilment is down, and at the end every
 * order is final or waiting, and no courier or compartment is held for an order that no
 * longer needs it, in PostgreSQL and in Redis alike.
 */

const main = new URL('../../fulfilment/src/main.ts', import.meta.url).pathname;
const customer = { lat: 31.2304, lng: 121.4737 };
const east = (meters: number) => ({
  lat: customer.lat,
  lng: customer.lng + meters / (111_320 * Math.cos((customer.lat * Math.PI) / 180)),
});

const COURIERS = 6;
const CAPACITY = 2;
const DELIVERY_ORDERS = 28;
/** Delivery orders placed just before the kill, so the queue is busy with new searches. */
const SECOND_WAVE = 8;
const LOCKER_ORDERS = 12;
/** Compartments for fewer than LOCKER_ORDERS: the rest fall back to delivery and need a courier. */
const LOCKERS = [
  {
    id: 'L-1',
    at: 120,
    compartments: [
      { size: 'S', count: 4 },
      { size: 'M', count: 2 },
    ],
  },
  { id: 'L-2', at: 140, compartments: [{ size: 'S', count: 3 }] },
];
const COMPARTMENTS = 9;
/** A job of the dead process runs again after 1 to 2 times this (WORKER_LOCK_MS). */
const LOCK_MS = 2000;
const TEST_BUDGET_MS = 120_000;

const FINAL = ['delivered', 'collected', 'cancelled', 'expired', 'completed', 'unroutable'];
const WAITING = ['accepted', 'courier_assigned', 'locker_reserved', 'ready_for_pickup'];

interface Fulfilment {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill -9 of the fulfilment process in the middle of jobs', () => {
  let t: TestIntake;
  let receiver: WebhookReceiver;
  let producer: Redis;
  let fulfilmentQueue: TypedQueue<'fulfilment'>;
  let webhooksQueue: TypedQueue<'webhooks'>;
  const children: ChildProcess[] = [];
  /** The children's output, for the failure message. */
  const output: string[] = [];
  const killChildren = () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const keys: Record<string, string> = {};
  let platform: string;

  beforeAll(async () => {
    // A vitest worker that dies must not leave a fulfilment process behind.
    process.on('exit', killChildren);
    receiver = await startWebhookReceiver();
    t = await startTestIntake({
      RATE_LIMIT_PER_SECOND: '100000',
      ALLOW_PRIVATE_WEBHOOKS: 'true',
      WEBHOOK_ATTEMPTS: '12',
      WEBHOOK_BACKOFF_MS: '100',
      COURIER_PICKUP_TIMEOUT_SECONDS: '30',
    });
    producer = createRedisConnection(t.redis.url, { role: 'client' });
    fulfilmentQueue = createQueue('fulfilment', { connection: producer, redisPrefix: t.env.REDIS_PREFIX! });
    webhooksQueue = createQueue('webhooks', { connection: producer, redisPrefix: t.env.REDIS_PREFIX! });
  });

  afterAll(async () => {
    killChildren();
    await Promise.all(
      children.map((child) =>
        child.exitCode === null && child.signalCode === null
          ? new Promise((resolve) => child.once('exit', resolve))
          : undefined,
      ),
    );
    process.off('exit', killChildren);
    await fulfilmentQueue?.close();
    await webhooksQueue?.close();
    producer?.disconnect();
    await receiver?.close();
    await t?.close();
  });

  /** The real service, as deployed: its own process, settings from the environment only. */
  async function startFulfilmentProcess(name: string): Promise<Fulfilment> {
    // The free port may be taken by someone else before the child listens: then try another.
    for (let attempt = 1; ; attempt++) {
      try {
        return await spawnFulfilment(name, await freePort());
      } catch (error) {
        if (attempt === 3 || !String(error).includes('EADDRINUSE')) throw error;
      }
    }
  }

  async function spawnFulfilment(name: string, port: number): Promise<Fulfilment> {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: t.env.DATABASE_URL!,
        REDIS_URL: t.env.REDIS_URL!,
        REDIS_PREFIX: t.env.REDIS_PREFIX!,
        HEALTH_PORT: String(port),
        LOG_LEVEL: 'warn',
        OTEL_SDK_DISABLED: 'true',
        WORKER_CONCURRENCY: '3',
        WORKER_LOCK_MS: String(LOCK_MS),
        COURIER_PICKUP_TIMEOUT_SECONDS: '30',
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        WEBHOOK_ATTEMPTS: '12',
        WEBHOOK_BACKOFF_MS: '100',
        WEBHOOK_TIMEOUT_MS: '1000',
        WEBHOOK_SWEEP_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) output.push(`[${name}] ${line}`);
        if (output.length > 400) output.splice(0, output.length - 400);
      });
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const alive = () => child.exitCode === null && child.signalCode === null;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (!alive()) throw new Error(`fulfilment ${name} exited while starting:\n${output.join('\n')}`);
      if (Date.now() > deadline)
        throw new Error(`fulfilment ${name} not ready in 30 s:\n${output.join('\n')}`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ready) return { child, port, exited, alive };
      await sleep(100);
    }
  }

  const act = (id: string, action: string, key: string, body?: unknown) =>
    t.request('POST', `/v1/orders/${id}/${action}`, { key, body });

  interface OrderRow {
    id: string;
    status: string;
    fulfilment: string;
    courier_id: string | null;
    locker_id: string | null;
    site_id: string | null;
  }
  const orderRows = () =>
    t.db.sql<OrderRow[]>`
      select id, status, fulfilment, courier_id, locker_id, site_id from orders order by id`;

  it(
    'loses nothing: every order final or waiting, no courier or compartment held for nothing',
    async () => {
      const started = Date.now();
      const budgetLeft = () => TEST_BUDGET_MS - (Date.now() - started);
      const timings: Record<string, number> = {};
      const mark = (name: string) => {
        timings[name] = Date.now() - started;
      };
      /** Problems seen by the background actors; reported at the end, not thrown from a loop. */
      const problems: string[] = [];

      // --- The world: two sites, couriers with room for 12 orders at a time, 9 compartments.
      platform = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform' } })).body.key;
      const hook = await t.request('POST', '/v1/webhooks', { key: platform, body: { url: receiver.url } });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
      // Delivery orders (milk) go to the hub, which accepts them as they are placed. Locker
      // orders (ice) go to the corner shop, which accepts them through the API: see the note
      // at the end of this file for why not through an auto-accepting site.
      const hub = storeBody('hub', { location: east(50), acceptance: { mode: 'auto' }, capacity: 1000 });
      const corner = storeBody('corner', {
        location: east(80),
        acceptance: { mode: 'manual', timeoutSeconds: 600 },
        capacity: 1000,
      });
      for (const [site, sku] of [
        [hub, 'milk'],
        [corner, 'ice'],
      ] as const) {
        const made = await t.request('POST', '/v1/sites', { body: site });
        expect(made.status, JSON.stringify(made.body)).toBe(201);
        keys[site.id as string] = made.body.apiKey;
        await t.request('PUT', `/v1/sites/${site.id}/stock`, { body: { items: [{ sku, onHand: 1000 }] } });
      }
      const couriers: string[] = [];
      for (let i = 0; i < COURIERS; i++) {
        const id = `c-${i}`;
        const made = await t.request('POST', '/v1/couriers', {
          body: { id, vehicle: 'ebike', capacity: CAPACITY },
        });
        expect(made.status, JSON.stringify(made.body)).toBe(201);
        keys[id] = made.body.apiKey;
        couriers.push(id);
        await t.request('PUT', `/v1/couriers/${id}/location`, { key: keys[id], body: east(100 + i * 10) });
        await t.request('PUT', `/v1/couriers/${id}/status`, { key: keys[id], body: { status: 'available' } });
      }
      for (const locker of LOCKERS) {
        const made = await t.request('POST', '/v1/lockers', {
          body: {
            id: locker.id,
            location: east(locker.at),
            compartments: locker.compartments.map((c) => ({ ...c, temperature: 'ambient' })),
            holdHours: 24,
          },
        });
        expect(made.status, JSON.stringify(made.body)).toBe(201);
        keys[locker.id] = made.body.apiKey;
      }

      let fulfilment = await startFulfilmentProcess('first');
      mark('first fulfilment ready');

      // --- Couriers work through the API the whole time, fulfilment up or down.
      let couriersStop = false;
      const delivered = new Set<string>();
      const courierLoop = async (courier: string) => {
        while (!couriersStop) {
          const work = await t.request('GET', `/v1/couriers/${courier}/orders`, { key: keys[courier] });
          if (work.status !== 200) {
            problems.push(`GET orders of ${courier}: ${work.status} ${JSON.stringify(work.body)}`);
          } else {
            if (work.body.orders.length > CAPACITY) {
              problems.push(`${courier} lists ${work.body.orders.length} orders (capacity ${CAPACITY})`);
            }
            const held = Number(
              await t.redis.redis.hget(logisticsKeys(t.env.REDIS_PREFIX!).courier(courier), 'held'),
            );
            if (held > CAPACITY)
              problems.push(`${courier} holds ${held} orders in Redis (capacity ${CAPACITY})`);
            for (const o of work.body.orders as { id: string; status: string }[]) {
              if (couriersStop) break;
              // A moment at the site and on the road, so assignments are held while jobs run.
              await sleep(100 + Math.random() * 300);
              if (o.status === 'courier_assigned') {
                const res = await act(o.id, 'pickup', keys[courier]!);
                if (res.status !== 200) {
                  // Fine only when the platform cancelled it meanwhile; a 409 "this courier no
                  // longer holds the order" would be Redis and PostgreSQL disagreeing.
                  const now = (await t.request('GET', `/v1/orders/${o.id}`)).body.status;
                  if (now !== 'cancelled') {
                    problems.push(`pickup ${o.id} by ${courier}: ${res.status} ${JSON.stringify(res.body)}`);
                  }
                  continue;
                }
              }
              const res = await act(o.id, 'deliver', keys[courier]!);
              if (res.status === 200) delivered.add(o.id);
              else problems.push(`deliver ${o.id} by ${courier}: ${res.status} ${JSON.stringify(res.body)}`);
            }
          }
          await sleep(150);
        }
      };
      const courierLoops = couriers.map((c) => courierLoop(c));

      try {
        // --- Many orders at once: delivery to the hub, locker orders to the corner.
        const place = (externalId: string, body: Record<string, unknown>) =>
          t.request('POST', '/v1/orders', { key: platform, body: { externalId, customer, ...body } });
        const placed = await Promise.all([
          ...Array.from({ length: DELIVERY_ORDERS }, (_, i) =>
            place(`d-${i}`, { items: [{ sku: 'milk', quantity: 1 }] }),
          ),
          ...Array.from({ length: LOCKER_ORDERS }, (_, i) =>
            place(`l-${i}`, {
              items: [{ sku: 'ice', quantity: 1 }],
              fulfilment: 'locker',
              parcel: { size: 'S', temperature: 'ambient' },
              maxWalkMinutes: 5,
            }),
          ),
        ]);
        for (const res of placed) expect(res.status, JSON.stringify(res.body)).toBe(201);
        const lockerIds = placed.slice(DELIVERY_ORDERS).map((res) => res.body.id as string);
        for (const res of placed.slice(0, DELIVERY_ORDERS)) {
          expect(res.body).toMatchObject({ status: 'accepted', site: { id: 'hub' } });
        }
        const accepted = await Promise.all(lockerIds.map((id) => act(id, 'accept', keys.corner!)));
        for (const res of accepted) expect(res.status, JSON.stringify(res.body)).toBe(200);
        const reserved = accepted.filter((res) => res.body.status === 'locker_reserved').length;
        // Exactly as many as there are compartments; the rest fell back to delivery.
        expect(reserved).toBe(COMPARTMENTS);
        mark('orders placed');

        // --- Kill -9 while the fulfilment queue has jobs running, once couriers are under way
        // (some orders delivered, the rest held or searched for again and again).
        const killDeadline = Date.now() + 30_000;
        while (delivered.size < 4) {
          if (Date.now() > killDeadline) throw new Error(`only ${delivered.size} delivered before the kill`);
          await sleep(20);
        }
        mark('couriers under way');
        // A second wave keeps every worker slot busy with fresh searches; kill in the thick of it.
        const secondWave = Promise.all(
          Array.from({ length: SECOND_WAVE }, (_, i) =>
            place(`w-${i}`, { items: [{ sku: 'milk', quantity: 1 }] }),
          ),
        );
        for (;;) {
          if (Date.now() > killDeadline) throw new Error('the fulfilment queue never had 2 jobs running');
          if ((await fulfilmentQueue.queue.getActiveCount()) >= 2) {
            fulfilment.child.kill('SIGKILL');
            break;
          }
          await sleep(1);
        }
        expect(await fulfilment.exited).toMatchObject({ signal: 'SIGKILL' });
        for (const res of await secondWave)
          expect(res.body.status, JSON.stringify(res.body)).toBe('accepted');
        const deliveredBeforeKill = delivered.size;
        mark('killed');
        // What the dead process left running: nobody will finish these until their locks expire.
        const orphaned: Job[] = [
          ...(await fulfilmentQueue.queue.getActive()),
          ...(await webhooksQueue.queue.getActive()),
        ];
        const orphanedFulfilment = orphaned.filter((job) => job.queueName.includes('fulfilment'));
        const describeJobs = (jobs: Job[]) => jobs.map((job) => `${job.queueName} ${job.name} ${job.id}`);
        expect(
          orphanedFulfilment.length,
          'fulfilment jobs left running by the killed process',
        ).toBeGreaterThan(0);

        // --- While fulfilment is down: couriers go on, sites deposit, the platform cancels and orders.
        const rows = await orderRows();
        const byStatus = (status: string, fulfilmentKind?: string) =>
          rows.filter((r) => r.status === status && (!fulfilmentKind || r.fulfilment === fulfilmentKind));
        const cancelHeld = byStatus('courier_assigned').slice(0, 3);
        const cancelWaiting = byStatus('accepted', 'delivery').slice(0, 2);
        const lockerReserved = byStatus('locker_reserved');
        const cancelLocker = lockerReserved.slice(0, 2);
        const deposit = lockerReserved.slice(2, 6);
        // And the order of a search the kill interrupted: its job may have taken a courier in
        // Redis before dying; the cancel must give it back, and the rerun must take none.
        const interrupted = orphanedFulfilment
          .filter((job) => job.name === 'courierAssignment')
          .map((job) => (job.data as { orderId: string }).orderId);
        const cancelInterrupted = rows.filter((r) => r.id === interrupted[0] && r.status === 'accepted');
        const cancelled = [...cancelHeld, ...cancelWaiting, ...cancelLocker, ...cancelInterrupted];
        for (const row of cancelled) {
          const res = await act(row.id, 'cancel', platform, { reason: 'changed my mind' });
          // A courier may have picked it up a moment ago: then it is past handover, 409.
          if (res.status === 409) continue;
          expect(res.status, JSON.stringify(res.body)).toBe(200);
        }
        const reallyCancelled = (await orderRows()).filter(
          (r) => r.status === 'cancelled' && cancelled.some((c) => c.id === r.id),
        );
        expect(reallyCancelled.length).toBeGreaterThanOrEqual(4);
        // Released by the intake alone: no courier or compartment is held for them now.
        const logistics = logisticsKeys(t.env.REDIS_PREFIX!);
        for (const row of reallyCancelled) {
          expect(await t.redis.redis.hget(logistics.courierOrder(row.id), 'courier'), row.id).toBeNull();
          expect(await t.redis.redis.hget(logistics.lockerOrders, row.id), row.id).toBeNull();
        }
        const stillHeld = await t.db.sql`
        select order_id from courier_assignments where ended_at is null
        and order_id in ${t.db.sql(reallyCancelled.map((r) => r.id))}
        union all select order_id from locker_compartments
        where order_id in ${t.db.sql(reallyCancelled.map((r) => r.id))}`;
        expect(stillHeld).toEqual([]);
        for (const row of deposit) {
          const res = await act(row.id, 'deposit', keys.corner!);
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          expect(res.body.status).toBe('ready_for_pickup');
        }
        // Two of the deposited parcels are collected with their codes.
        for (const row of deposit.slice(0, 2)) {
          const { locker } = (await t.request('GET', `/v1/orders/${row.id}`, { key: platform })).body;
          const res = await t.request('POST', `/v1/lockers/${locker.id}/collect`, {
            key: keys[locker.id]!,
            body: { code: locker.pickupCode },
          });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
        }
        // New orders while nobody works the queue: their courier searches wait in Redis.
        const late = await Promise.all(
          Array.from({ length: 4 }, (_, i) => place(`late-${i}`, { items: [{ sku: 'milk', quantity: 1 }] })),
        );
        for (const res of late) expect(res.body.status).toBe('accepted');
        mark('outage actions done');
        await sleep(Math.max(0, 3000 - (Date.now() - started - timings.killed!)));

        // --- Restart with the same settings.
        fulfilment = await startFulfilmentProcess('second');
        mark('second fulfilment ready');

        // The dead process's jobs run again once their locks expire.
        const recoveryDeadline = Date.now() + 6 * LOCK_MS + 10_000;
        for (;;) {
          const stuck: string[] = [];
          for (const job of orphaned) {
            const queue = job.queueName.includes('fulfilment') ? fulfilmentQueue : webhooksQueue;
            const fresh = await queue.queue.getJob(job.id!);
            const state = fresh ? await fresh.getState() : 'gone';
            // Still active with the dead worker's attempt count: not taken over yet.
            if (state === 'active' && fresh?.attemptsStarted === job.attemptsStarted) stuck.push(job.id!);
          }
          if (stuck.length === 0) break;
          if (Date.now() > recoveryDeadline) {
            throw new Error(`jobs of the killed process never ran again: ${stuck.join(', ')}`);
          }
          await sleep(100);
        }
        mark('orphaned jobs taken over');

        // --- Drive to completion: every delivery order delivered or cancelled.
        const allDeliveryDone = async () => {
          const now = await orderRows();
          return now.filter(
            (r) => r.fulfilment === 'delivery' && r.status !== 'delivered' && r.status !== 'cancelled',
          );
        };
        for (;;) {
          const open = await allDeliveryDone();
          if (open.length === 0) break;
          if (budgetLeft() < 20_000) {
            const details = await Promise.all(
              open.slice(0, 10).map(async (r) => {
                const events = (await t.request('GET', `/v1/orders/${r.id}`)).body.events.map(
                  (e: { type: string }) => e.type,
                );
                const jobs = await Promise.all(
                  [1, 2, 3].map(async (round) => {
                    const job = await fulfilmentQueue.queue.getJob(`courier-assign.${r.id}.${round}`);
                    return job
                      ? `round ${round}: ${await job.getState()} (${job.attemptsMade} attempts)`
                      : '';
                  }),
                );
                return `${r.id} ${r.status} courier=${r.courier_id} events=${events.join(',')} jobs=${jobs.filter(Boolean).join('; ')}`;
              }),
            );
            throw new Error(
              `${open.length} delivery orders never finished:\n${details.join('\n')}\n` +
                `orphaned: ${describeJobs(orphaned).join(', ')}\nfulfilment output:\n${output.slice(-60).join('\n')}`,
            );
          }
          await sleep(250);
        }
        mark('every delivery order final');
        couriersStop = true;
        await Promise.all(courierLoops);
        expect(problems, 'what couriers ran into').toEqual([]);

        // --- The end state, checked in PostgreSQL and in Redis.
        const end = await orderRows();
        const wrong: string[] = [];
        const lockerOrderIds = new Set(lockerIds);
        for (const row of end) {
          if (![...FINAL, ...WAITING].includes(row.status)) wrong.push(`${row.id}: ${row.status}`);
          if (row.fulfilment === 'delivery' && !['delivered', 'cancelled'].includes(row.status)) {
            wrong.push(`${row.id} (delivery): ${row.status}`);
          }
          if (
            row.fulfilment === 'locker' &&
            !['locker_reserved', 'ready_for_pickup', 'collected', 'cancelled'].includes(row.status)
          ) {
            wrong.push(`${row.id} (locker): ${row.status}`);
          }
          if (row.fulfilment === 'locker' && !lockerOrderIds.has(row.id))
            wrong.push(`${row.id}: became a locker order`);
        }
        expect(wrong, 'orders neither final nor waiting').toEqual([]);
        expect(end.length).toBe(DELIVERY_ORDERS + SECOND_WAVE + LOCKER_ORDERS + late.length);

        // Couriers: no open assignment is left (every delivery order is final), in either store.
        const openAssignments = await t.db.sql<{ order_id: string; courier_id: string; status: string }[]>`
        select a.order_id, a.courier_id, o.status from courier_assignments a
        join orders o on o.id = a.order_id where a.ended_at is null`;
        expect(openAssignments, 'open courier assignments of final orders').toEqual([]);
        const courierOfOrder = end.filter((r) => ['courier_assigned', 'picked_up'].includes(r.status));
        expect(courierOfOrder, 'orders still with a courier').toEqual([]);
        const redis = t.redis.redis;
        const heldInRedis: Record<string, { held: number; capacity: number }> = {};
        for (const courier of couriers) {
          const [held, capacity] = await redis.hmget(logistics.courier(courier), 'held', 'capacity');
          heldInRedis[courier] = { held: Number(held), capacity: Number(capacity) };
        }
        expect(heldInRedis, 'couriers held counts in Redis').toEqual(
          Object.fromEntries(couriers.map((c) => [c, { held: 0, capacity: CAPACITY }])),
        );
        const heldOrders: string[] = [];
        for (const key of await scan(redis, logistics.courierOrderPattern)) {
          if (key.endsWith(':excluded')) continue;
          const courier = await redis.hget(key, 'courier');
          if (courier) heldOrders.push(`${key} -> ${courier}`);
        }
        expect(heldOrders, 'orders with a courier in Redis').toEqual([]);
        // Every courier the order was told of got a pickup deadline, so no courier could sit
        // on an order for ever. (An assignment the order refused, cancelled meanwhile, needs none.)
        const assignments = await t.db.sql<{ order_id: string; courier_id: string }[]>`
          select order_id, data->>'courierId' as courier_id from order_events where type = 'courier_assigned'`;
        const noDeadline: string[] = [];
        for (const a of assignments) {
          if (!(await fulfilmentQueue.queue.getJob(`courier-pickup.${a.order_id}.${a.courier_id}`))) {
            const events = await t.db.sql<{ type: string }[]>`
              select type from order_events where order_id = ${a.order_id} order by seq`;
            const wasOrphaned = orphaned.some((job) => JSON.stringify(job.data).includes(a.order_id));
            noDeadline.push(
              `${a.order_id} / ${a.courier_id}${wasOrphaned ? ' (its job was killed)' : ''}: ${events.map((e) => e.type).join(',')}`,
            );
          }
        }
        expect(noDeadline, 'assignments without a pickup-timeout job').toEqual([]);

        // Lockers: PostgreSQL and Redis agree, and hold compartments only for waiting orders.
        const compartments = await t.db.sql<
          {
            locker_id: string;
            number: number;
            state: string;
            order_id: string | null;
            pickup_code: string | null;
          }[]
        >`select locker_id, number, state, order_id, pickup_code from locker_compartments order by locker_id, number`;
        expect(compartments.length).toBe(COMPARTMENTS);
        const status = new Map(end.map((r) => [r.id, r]));
        const lockerProblems: string[] = [];
        for (const c of compartments) {
          if (c.state === 'free') continue;
          const order = status.get(c.order_id!);
          const expected = c.state === 'reserved' ? 'locker_reserved' : 'ready_for_pickup';
          if (order?.status !== expected || order.locker_id !== c.locker_id) {
            lockerProblems.push(`${c.locker_id}#${c.number} ${c.state} for ${c.order_id} (${order?.status})`);
          }
        }
        const waitingAtLocker = end.filter((r) => ['locker_reserved', 'ready_for_pickup'].includes(r.status));
        for (const r of waitingAtLocker) {
          if (!compartments.some((c) => c.order_id === r.id))
            lockerProblems.push(`${r.id} ${r.status} has no compartment`);
        }
        expect(lockerProblems, 'compartments in PostgreSQL').toEqual([]);
        for (const locker of LOCKERS) {
          const mine = compartments.filter((c) => c.locker_id === locker.id);
          const taken = mine.filter((c) => c.state !== 'free');
          const free = (await redis.zrange(logistics.lockerFree(locker.id), 0, -1))
            .map(Number)
            .sort((a, b) => a - b);
          expect(free, `${locker.id} free compartments in Redis`).toEqual(
            mine.filter((c) => c.state === 'free').map((c) => c.number),
          );
          const parcels = await redis.hgetall(logistics.lockerParcels(locker.id));
          expect(
            Object.fromEntries(
              Object.entries(parcels).map(([orderId, raw]) => {
                const p = JSON.parse(raw) as { number: number; state: string; code: string };
                return [orderId, { number: p.number, state: p.state, code: p.code }];
              }),
            ),
            `${locker.id} parcels in Redis`,
          ).toEqual(
            Object.fromEntries(
              taken.map((c) => [c.order_id, { number: c.number, state: c.state, code: c.pickup_code }]),
            ),
          );
          expect(
            await redis.hgetall(logistics.lockerCodes(locker.id)),
            `${locker.id} codes in Redis`,
          ).toEqual(Object.fromEntries(taken.map((c) => [c.pickup_code, c.order_id])));
        }
        expect(await redis.hgetall(logistics.lockerOrders), 'locker-orders in Redis').toEqual(
          Object.fromEntries(
            compartments.filter((c) => c.state !== 'free').map((c) => [c.order_id, c.locker_id]),
          ),
        );

        // Stock: every delivered unit left the hub, nothing stays reserved there.
        const deliveredCount = end.filter((r) => r.status === 'delivered' && r.site_id === 'hub').length;
        const milk = (await t.request('GET', '/v1/sites/hub/stock?sku=milk')).body.items[0];
        expect(milk).toEqual({
          sku: 'milk',
          onHand: 1000 - deliveredCount,
          reserved: 0,
          available: 1000 - deliveredCount,
        });

        // Jobs: none failed, none stalled for good.
        const failed = [
          ...(await fulfilmentQueue.queue.getFailed()),
          ...(await webhooksQueue.queue.getFailed()),
        ].map((job) => `${job.queueName} ${job.name} ${job.id}: ${job.failedReason}`);
        expect(failed, 'failed jobs').toEqual([]);

        // Webhooks: the platform heard of every order's current status.
        const webhookDeadline = Date.now() + Math.min(20_000, budgetLeft() - 5000);
        let unheard: string[] = [];
        for (;;) {
          const heard = new Set(
            receiver.accepted().map((r) => {
              const body = JSON.parse(r.body) as { orderId: string; type: string };
              return `${body.orderId} ${body.type}`;
            }),
          );
          unheard = end
            .filter((r) => !heard.has(`${r.id} order.${r.status}`))
            .map((r) => `${r.id} ${r.status}`);
          if (unheard.length === 0 || Date.now() > webhookDeadline) break;
          await sleep(200);
        }
        expect(unheard, 'orders whose current status never reached the webhook').toEqual([]);
        mark('checked');

        const summary = {
          timings,
          deliveredBeforeKill,
          orphaned: describeJobs(orphaned),
          orphanedFulfilment: orphanedFulfilment.length,
          interruptedSearchCancelled: cancelInterrupted.map((r) => r.id),
          delivered: deliveredCount,
          cancelled: end.filter((r) => r.status === 'cancelled').length,
          lockers: Object.fromEntries(
            ['locker_reserved', 'ready_for_pickup', 'collected'].map((s) => [
              s,
              end.filter((r) => r.status === s).length,
            ]),
          ),
          webhookRequests: receiver.requests.length,
        };
        console.log(`crash test: ${JSON.stringify(summary, null, 2)}`);
      } finally {
        couriersStop = true;
        await Promise.allSettled(courierLoops);
      }
    },
    TEST_BUDGET_MS + 30_000,
  );
});

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/*
 * Why the locker orders go to a site that accepts them through the API: a locker order
 * placed at an auto-accepting site never gets a compartment. OrderService.create writes
 * it `accepted` at once, and only OrderLifecycle.accept (the site's API call) runs the
 * locker reservation; no courier search starts either (courierSearchListener starts one
 * for delivery orders only). The order then waits in `accepted` for nothing, for ever.
 * A re-route to an auto site (OrderLifecycle.reroute) does the same. Not a crash bug and
 * not fixed here: the fix belongs to order creation and re-routing.
 */
