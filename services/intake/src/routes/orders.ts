import {
  AppError,
  inboxQuery,
  notFound,
  orderCreate,
  parseInput,
  requireObjectBody,
} from '@quarterhour/domain';
import { Router } from 'express';
import { z } from 'zod';
import type { IntakeContext } from '../context.ts';
import { principalOf, requireRole, requireSiteAccess } from '../http/auth.ts';
import { siteIdParams } from './sites.ts';

export const orderIdParams = z.object({ id: z.string().regex(/^ord_[a-z0-9]{1,40}$/, 'is not an order id') });

export function orderRoutes(ctx: IntakeContext): Router {
  const router = Router();

  router.post('/v1/orders', async (req, res) => {
    const principal = requireRole(req, 'platform');
    const body = parseInput(orderCreate, requireObjectBody(req.body));
    const result = await ctx.orders.create(principal.keyId, body);
    if (result.kind === 'unroutable') {
      const reason = result.order.unroutableReason ?? 'no_site_in_radius';
      throw new AppError('unroutable', UNROUTABLE_MESSAGES[reason] ?? 'no site can take this order', {
        extra: { reason },
        body: { order: result.order },
      });
    }
    res.status(result.replay ? 200 : 201).json(result.order);
  });

  router.get('/v1/orders/:id', async (req, res) => {
    const principal = principalOf(req);
    const { id } = parseInput(orderIdParams, req.params, 'path');
    const stored = await ctx.orderStore.get(id);
    // Whoever may not see the order is told it does not exist.
    const visible =
      stored &&
      (principal.role === 'ops' ||
        (principal.role === 'platform' && principal.keyId === stored.platformKeyId) ||
        (principal.role === 'site' && principal.subjectId === stored.siteId) ||
        (principal.role === 'courier' && principal.subjectId === stored.row.courier_id));
    if (!stored || !visible) throw notFound(`order ${id}`);
    const { courier_id: courierId, locker_id: lockerId } = stored.row as {
      courier_id?: string;
      locker_id?: string;
    };
    let locker: Record<string, unknown> | undefined;
    if (lockerId) {
      const parcel = await ctx.logistics.lockers.parcelOf(id);
      // The code opens the compartment: only the platform that owns the order (and ops) may read it.
      const mayReadCode = principal.role === 'ops' || principal.role === 'platform';
      locker = parcel
        ? {
            id: parcel.lockerId,
            compartment: parcel.compartment,
            size: parcel.size,
            temperature: parcel.temperature,
            state: parcel.state,
            ...(parcel.expiresAt ? { expiresAt: parcel.expiresAt.toISOString() } : {}),
            ...(mayReadCode ? { pickupCode: parcel.pickupCode } : {}),
          }
        : { id: lockerId };
    }
    res.json({
      ...stored.order,
      ...(courierId ? { courier: { id: courierId } } : {}),
      ...(locker ? { locker } : {}),
      events: await ctx.orderStore.events(id),
    });
  });

  router.get('/v1/sites/:id/orders', async (req, res) => {
    const { id } = parseInput(siteIdParams, req.params, 'path');
    requireSiteAccess(req, id);
    const query = parseInput(inboxQuery, req.query, 'query');
    if (!(await ctx.sites.get(id))) throw notFound(`site ${id}`);
    const orders = await ctx.orderStore.inbox(id, query.status ?? null, query.limit);
    res.json({ orders: orders.map((stored) => stored.order) });
  });

  return router;
}

const UNROUTABLE_MESSAGES: Record<string, string> = {
  no_site_in_radius: 'no site of the right kind lies within the walking circle',
  no_open_site: 'sites lie within the circle, but none is open, unpaused and under capacity',
  out_of_stock: 'open sites lie within the circle, but none has every line in stock',
  all_declined: 'every site within the circle declined the order or let it time out',
};
