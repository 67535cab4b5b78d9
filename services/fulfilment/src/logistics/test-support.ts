import type { Sql } from '@quarterhour/db';
import type { Priority } from '@quarterhour/domain';
import {
  CourierRegistry,
  type CourierTarget,
  type LogisticsKeys,
  type OrderEvents,
} from '@quarterhour/logistics';
import type { Redis } from 'ioredis';

/**
 * The lifecycle's side of the boundary, recorded: each call as a line, and the answers a
 * test sets. It stands in for libs/lifecycle, not for anything outside the system.
 */
export class RecordingEvents implements OrderEvents {
  readonly calls: string[] = [];
  readonly targets = new Map<string, CourierTarget>();
  /** What onCourierAssigned answers: false when the order no longer wants a courier. */
  wantsCourier = true;
  private readonly waiters: { line: string; resolve: () => void }[] = [];

  want(orderId: string, siteLocation: { lat: number; lng: number }, priority: Priority = 'standard') {
    this.targets.set(orderId, { siteId: `site-of-${orderId}`, siteLocation, priority });
  }

  async courierTarget(orderId: string) {
    return this.targets.get(orderId) ?? null;
  }

  async onCourierAssigned(orderId: string, courierId: string, distanceMeters: number) {
    this.note(`assigned ${orderId} ${courierId} ${Math.round(distanceMeters)}m`);
    return this.wantsCourier;
  }

  async onCourierUnavailable(
    orderId: string,
    wait: { attempts: number; waitedSeconds: number; final: boolean },
  ) {
    this.note(
      `unavailable ${orderId} attempt ${wait.attempts} waited ${wait.waitedSeconds}s${wait.final ? ' final' : ''}`,
    );
  }

  async onCourierTimedOut(orderId: string, courierId: string) {
    this.note(`timed out ${orderId} ${courierId}`);
  }

  async expireLockerOrder(orderId: string) {
    this.note(`expired ${orderId}`);
  }

  /** Resolves once a call starting with `prefix` has been recorded. */
  seen(prefix: string): Promise<void> {
    if (this.calls.some((line) => line.startsWith(prefix))) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ line: prefix, resolve }));
  }

  private note(line: string) {
    this.calls.push(line);
    for (const waiter of this.waiters) if (line.startsWith(waiter.line)) waiter.resolve();
  }
}

export async function addCourier(
  sql: Sql,
  redis: Redis,
  keys: LogisticsKeys,
  id: string,
  at: { lat: number; lng: number },
): Promise<void> {
  const registry = new CourierRegistry(sql, redis, keys);
  await sql.begin((tx) => registry.insert(tx, { id, vehicle: 'bike', capacity: 1 }));
  await registry.publish(id);
  await registry.setLocation(id, at);
  await registry.setStatus(id, 'available');
}
