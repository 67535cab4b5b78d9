import type { Point } from '@quarterhour/geo';

/** A site as routing sees it: what eligibility and ranking need, nothing more. */
export interface RoutableSite {
  id: string;
  name: string;
  kind: 'store' | 'provider';
  formats: readonly string[];
  services: ReadonlySet<string>;
  lat: number;
  lng: number;
  capacity: number;
  status: 'open' | 'paused';
  timezone: string;
  /** Opening hours compiled for O(1) checks; null means always open. */
  isOpen: (now: Date) => boolean;
  acceptanceMode: 'auto' | 'manual';
  acceptanceTimeoutSeconds: number;
}

export interface OrderLine {
  sku: string;
  quantity: number;
}

/** What routing needs of an order: where, how far, and either items or a service. */
export interface RoutingRequest {
  point: Point;
  maxWalkMinutes: number;
  items?: readonly OrderLine[];
  serviceType?: string;
  /** Sites never to choose again for this order (they declined or timed out). */
  exclude?: ReadonlySet<string>;
}

export interface Candidate {
  site: RoutableSite;
  distanceMeters: number;
  walkMinutes: number;
}

export type UnroutableReason = 'no_site_in_radius' | 'no_open_site' | 'out_of_stock';
