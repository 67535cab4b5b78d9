import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queryable, Sql } from '@quarterhour/db';
import type { Order, OrderStatus } from '@quarterhour/domain';
import type { StatusChange } from '@quarterhour/lifecycle';
import type { MetricsHandler } from '@quarterhour/telemetry';
import type { WebhookOutbox } from './outbox.ts';

/** A platform key row, as the intake would have made it. */
export async function insertPlatformKey(sql: Queryable, id = `key_${randomBytes(8).toString('hex')}`) {
  await sql`insert into api_keys (id, key_hash, role, name) values (${id}, ${randomBytes(32)}, 'platform', ${id})`;
  return id;
}

/** A StatusChange as libs/lifecycle would hand it over. */
export function statusChange(
  orderId: string,
  platformKeyId: string,
  status: OrderStatus,
  at = new Date(),
): StatusChange {
  const order: Order = {
    id: orderId,
    externalId: `ext-${orderId}`,
    status,
    cell: '8931aa42b4bffff',
    customer: { lat: 31.2991, lng: 121.4502 },
    fulfilment: 'delivery',
    priority: 'standard',
    maxWalkMinutes: 15,
    items: [{ sku: 'milk-1l', quantity: 2 }],
    site: { id: 's-1', name: 'Store s-1', distanceMeters: 412.3, walkMinutes: 5.8 },
    createdAt: '2025-01-01T08:00:00.000Z',
    updatedAt: at.toISOString(),
  };
  return { orderId, platformKeyId, siteId: 's-1', from: null, status, at, order };
}

/** Records the changes in one transaction, then runs afterCommit, as the lifecycle does. */
export async function commitChanges(
  sql: Sql,
  outbox: WebhookOutbox,
  changes: StatusChange[],
  enqueue = true,
) {
  await sql.begin(async (tx) => {
    for (const change of changes) await outbox.record(tx, change);
  });
  if (enqueue) await outbox.afterCommit(changes);
}

/** Scrapes the process's metrics once. */
export async function scrape(handler: MetricsHandler): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } finally {
    server.close();
  }
}

/** Waits until `check` holds, polling: for state another process writes (a worker's last update). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
