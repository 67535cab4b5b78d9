import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

const customer = { lat: 31.2304, lng: 121.4737 };

describe('no stray reservations', () => {
  let t: TestIntake;
  let platform: string;
  beforeAll(async () => {
    t = await startTestIntake({}, { metrics: true });
    platform = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform' } })).body.key;
    await t.request('POST', '/v1/sites', { body: storeBody('s', { location: customer }) });
    await t.request('PUT', '/v1/sites/s/stock', { body: { items: [{ sku: 'milk', onHand: 10 }] } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const reserved = async () => (await t.request('GET', '/v1/sites/s/stock?sku=milk')).body.items[0].reserved;

  it('releases the reservation at once when the commit fails, answering 503', async () => {
    // PostgreSQL refuses this one order as if it were shutting down.
    await t.db.sql.unsafe(`
      create function refuse_order() returns trigger language plpgsql as $$
      begin
        if new.external_id = 'doomed' then raise exception 'going down' using errcode = '57P01'; end if;
        return new;
      end $$;
      create trigger refuse_order before insert on orders for each row execute function refuse_order();`);
    const res = await t.request('POST', '/v1/orders', {
      key: platform,
      body: { externalId: 'doomed', customer, items: [{ sku: 'milk', quantity: 4 }] },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(await reserved()).toBe(0);
    expect(await t.db.sql`select 1 from orders where external_id = 'doomed'`).toHaveLength(0);
    await t.db.sql.unsafe('drop trigger refuse_order on orders; drop function refuse_order();');
    // The claim was dropped too: the client's retry goes through.
    const retry = await t.request('POST', '/v1/orders', {
      key: platform,
      body: { externalId: 'doomed', customer, items: [{ sku: 'milk', quantity: 4 }] },
    });
    expect(retry.status).toBe(201);
    expect(await reserved()).toBe(4);
  });

  it('sweeps a reservation whose order never reached PostgreSQL, and counts it', async () => {
    const { context } = t.intake;
    // A process that reserved and then died before its commit, as the reserve script leaves it.
    const { Reserver } = await import('@quarterhour/routing');
    const dying = new Reserver(context.redis, context.keys, { pendingTtlMs: -1, claimTtlMs: 60_000 });
    const site = context.siteIndex.get('s')!;
    const outcome = await dying.reserve(
      {
        orderId: 'ord_neverstored',
        platformKeyId: 'k',
        externalId: 'lost',
        lines: [{ sku: 'milk', quantity: 3 }],
      },
      [{ site, distanceMeters: 0, walkMinutes: 0 }],
    );
    expect(outcome.kind).toBe('reserved');
    expect(await reserved()).toBe(7);
    const { sweepPendingReservations } = await import('@quarterhour/routing');
    const result = await sweepPendingReservations(context.sql, context.redis, context.keys, dying);
    expect(result).toEqual({ confirmed: 0, released: 1 });
    expect(await reserved()).toBe(4);
    expect(await context.redis.get(context.keys.load('s'))).toBe('1');
  });

  it('the sweeper in the intake releases strays on its own timer and exports the count', async () => {
    await t.restart();
    const { context } = t.intake;
    const { Reserver } = await import('@quarterhour/routing');
    const dying = new Reserver(context.redis, context.keys, { pendingTtlMs: -1, claimTtlMs: 60_000 });
    await dying.reserve(
      {
        orderId: 'ord_neverstored2',
        platformKeyId: 'k',
        externalId: 'lost2',
        lines: [{ sku: 'milk', quantity: 2 }],
      },
      [{ site: context.siteIndex.get('s')!, distanceMeters: 0, walkMinutes: 0 }],
    );
    expect(await reserved()).toBe(6);
    await expect.poll(reserved, { timeout: 15_000, interval: 200 }).toBe(4);
    const metrics = await fetch(`${t.url}/metrics`).then((res) => res.text());
    expect(metrics).toMatch(/^routing_stray_reservations_released_total(\{[^}]*\})? 1$/m);
  });
});
