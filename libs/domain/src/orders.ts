import { z } from 'zod';
import { clientId, latLng, sku } from './ids.ts';

export const FULFILMENTS = ['delivery', 'locker', 'pickup', 'visit'] as const;
export type Fulfilment = (typeof FULFILMENTS)[number];
export const PRIORITIES = ['standard', 'elderly', 'child'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ORDER_STATUSES = [
  'assigned',
  'accepted',
  'courier_assigned',
  'picked_up',
  'delivered',
  'locker_reserved',
  'ready_for_pickup',
  'collected',
  'expired',
  'completed',
  'cancelled',
  'unroutable',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const UNROUTABLE_REASONS = [
  'no_site_in_radius',
  'no_open_site',
  'out_of_stock',
  'all_declined',
] as const;
export type UnroutableReasonCode = (typeof UNROUTABLE_REASONS)[number];

const line = z.object({
  sku,
  quantity: z.number().int('must be an integer').min(1, 'must be >= 1').max(1000, 'must be <= 1000'),
});

const parcel = z.object({
  size: z.enum(['S', 'M', 'L']).default('S'),
  temperature: z.enum(['ambient', 'chilled', 'frozen']).default('ambient'),
});

export const orderCreate = z
  .object({
    externalId: clientId,
    customer: latLng,
    items: z.array(line).min(1, 'must hold 1 to 50 lines').max(50, 'must hold 1 to 50 lines').optional(),
    service: z
      .object({ type: z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'must match ^[a-z0-9_.-]{1,64}$') })
      .optional(),
    fulfilment: z.enum(FULFILMENTS).optional(),
    priority: z.enum(PRIORITIES).default('standard'),
    maxWalkMinutes: z.number().min(1, 'must be >= 1').max(15, 'must be <= 15').default(15),
    parcel: parcel.optional(),
  })
  .superRefine((order, ctx) => {
    if ((order.items === undefined) === (order.service === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'send exactly one of items or service' });
    }
    if (order.items) {
      const seen = new Map<string, number>();
      order.items.forEach((item, index) => {
        const earlier = seen.get(item.sku);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', index, 'sku'],
            message: `repeats items.${earlier}.sku`,
          });
        }
        seen.set(item.sku, index);
      });
      if (order.fulfilment === 'visit') {
        ctx.addIssue({ code: 'custom', path: ['fulfilment'], message: 'visit is for service orders' });
      }
    }
    if (order.service && order.fulfilment && order.fulfilment !== 'visit' && order.fulfilment !== 'pickup') {
      ctx.addIssue({
        code: 'custom',
        path: ['fulfilment'],
        message: 'a service order takes visit or pickup',
      });
    }
  })
  .transform((order) => {
    const fulfilment: Fulfilment = order.fulfilment ?? (order.service ? 'visit' : 'delivery');
    return {
      externalId: order.externalId,
      customer: order.customer,
      items: order.items,
      service: order.service,
      fulfilment,
      priority: order.priority,
      maxWalkMinutes: order.maxWalkMinutes,
      // A parcel describes a locker compartment; other fulfilments have none.
      parcel:
        fulfilment === 'locker'
          ? (order.parcel ?? { size: 'S' as const, temperature: 'ambient' as const })
          : undefined,
    };
  });
export type NewOrder = z.output<typeof orderCreate>;

export interface OrderEvent {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/** An order as the API returns it. */
export interface Order {
  id: string;
  externalId: string;
  status: OrderStatus;
  cell: string;
  customer: { lat: number; lng: number };
  fulfilment: Fulfilment;
  priority: Priority;
  maxWalkMinutes: number;
  items?: { sku: string; quantity: number }[];
  service?: { type: string };
  parcel?: { size: 'S' | 'M' | 'L'; temperature: 'ambient' | 'chilled' | 'frozen' };
  unroutableReason?: UnroutableReasonCode;
  site?: { id: string; name: string; distanceMeters: number; walkMinutes: number };
  rating?: { score: number; comment?: string; at: string };
  createdAt: string;
  updatedAt: string;
  events?: OrderEvent[];
}

/** Bodies of the order actions that take one. */
export const orderActionBodies = {
  decline: z.object({ reason: z.string().max(500, 'must be at most 500 characters').optional() }),
  cancel: z.object({ reason: z.string().max(500, 'must be at most 500 characters').optional() }),
  rating: z.object({
    score: z.number().int('must be an integer').min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
    comment: z.string().max(1000, 'must be at most 1000 characters').optional(),
  }),
};

export const inboxQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',') : undefined))
    .pipe(z.array(z.enum(ORDER_STATUSES)).optional()),
  limit: z.coerce.number().int().min(1, 'must be 1 to 500').max(500, 'must be 1 to 500').default(100),
});
