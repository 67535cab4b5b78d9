import type { IntakeConfig } from '@quarterhour/config';
import type { OrderStore, SiteStore, Sql } from '@quarterhour/db';
import type { FulfilmentActions, LogisticsDeps, OrderLifecycle } from '@quarterhour/lifecycle';
import type { CourierRegistry, LockerRegistry } from '@quarterhour/logistics';
import type { HotStock, RedisKeys, SiteIndex } from '@quarterhour/routing';
import type { Logger } from '@quarterhour/telemetry';
import type { Redis } from 'ioredis';
import type { HotStateGuard } from './hot-state.ts';
import type { Authenticator } from './http/auth.ts';
import type { OrderService } from './orders/order-service.ts';
import type { ApiKeyStore } from './registry/api-keys.ts';
import type { StockStore } from './registry/stock.ts';

/** What the routes need, built once at start and passed in (tests build their own). */
export interface IntakeContext {
  config: IntakeConfig;
  sql: Sql;
  redis: Redis;
  keys: RedisKeys;
  log: Logger;
  auth: Authenticator;
  apiKeys: ApiKeyStore;
  sites: SiteStore;
  stock: StockStore;
  hotStock: HotStock;
  hotState: HotStateGuard;
  siteIndex: SiteIndex;
  orders: OrderService;
  orderStore: OrderStore;
  lifecycle: OrderLifecycle;
  fulfilment: FulfilmentActions;
  logistics: LogisticsDeps;
  couriers: CourierRegistry;
  lockers: LockerRegistry;
  /** Tells every process that a site changed, so routing's index follows within a second. */
  publishSiteChange(siteId: string): Promise<void>;
  publishKeyRevocation(keyId: string): Promise<void>;
}
