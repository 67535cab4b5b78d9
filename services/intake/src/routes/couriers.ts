import { clientId, conflict, forbidden, notFound, parseInput, requireObjectBody } from '@quarterhour/domain';
import { courierCreate, courierLocation, courierStatusUpdate } from '@quarterhour/logistics';
import { type Request, Router } from 'express';
import { z } from 'zod';
import type { IntakeContext } from '../context.ts';
import { requireRole } from '../http/auth.ts';

const courierIdParams = z.object({ id: clientId });

/**
 * Ops, or the courier's own key. Another courier's key gets 403 whether or not that
 * courier exists, so keys cannot probe for ids.
 */
function requireCourierAccess(req: Request, courierId: string): void {
  const principal = requireRole(req, 'courier');
  if (principal.role === 'courier' && principal.subjectId !== courierId) {
    throw forbidden('a courier key acts only on its own courier');
  }
}

/** API.md "Couriers": registration, and what a courier tells about itself. */
export function courierRoutes(ctx: IntakeContext): Router {
  const router = Router();

  router.post('/v1/couriers', async (req, res) => {
    requireRole(req, 'ops');
    const body = parseInput(courierCreate, requireObjectBody(req.body));
    const taken = () =>
      conflict(`courier ${body.id} already exists`, [
        { path: 'id', message: `courier ${body.id} already exists` },
      ]);
    const apiKey = await ctx.sql
      .begin(async (tx) => {
        if (!(await ctx.couriers.insert(tx, body))) throw taken();
        return (await ctx.apiKeys.issue(tx, 'courier', body.id, body.id)).key;
      })
      .catch((error: { code?: string }) => {
        // The key insert lost a race with another request for the same id.
        if (error.code === '23505') throw taken();
        throw error;
      });
    res.status(201).json({ courier: await ctx.couriers.publish(body.id), apiKey });
  });

  router.get('/v1/couriers/:id', async (req, res) => {
    const { id } = parseInput(courierIdParams, req.params, 'path');
    requireCourierAccess(req, id);
    const courier = await ctx.couriers.get(id);
    if (!courier) throw notFound(`courier ${id}`);
    res.json(courier);
  });

  /** The courier's work list: orders assigned to it or picked up, priority first. */
  router.get('/v1/couriers/:id/orders', async (req, res) => {
    const { id } = parseInput(courierIdParams, req.params, 'path');
    requireCourierAccess(req, id);
    if (!(await ctx.couriers.get(id))) throw notFound(`courier ${id}`);
    const orders = await ctx.orderStore.byCourier(id);
    res.json({ orders: orders.map((stored) => stored.order) });
  });

  router.put('/v1/couriers/:id/location', async (req, res) => {
    const { id } = parseInput(courierIdParams, req.params, 'path');
    requireCourierAccess(req, id);
    const location = parseInput(courierLocation, requireObjectBody(req.body));
    const courier = await ctx.couriers.setLocation(id, location);
    if (!courier) throw notFound(`courier ${id}`);
    res.json(courier);
  });

  router.put('/v1/couriers/:id/status', async (req, res) => {
    const { id } = parseInput(courierIdParams, req.params, 'path');
    requireCourierAccess(req, id);
    const { status } = parseInput(courierStatusUpdate, requireObjectBody(req.body));
    const courier = await ctx.couriers.setStatus(id, status);
    if (!courier) throw notFound(`courier ${id}`);
    res.json(courier);
  });

  return router;
}
