import { clientId, forbidden, orderActionBodies, parseInput, requireObjectBody } from '@quarterhour/domain';
import type { Actor } from '@quarterhour/lifecycle';
import { type Request, Router } from 'express';
import { z } from 'zod';
import type { IntakeContext } from '../context.ts';
import { principalOf, requireRole } from '../http/auth.ts';
import { orderIdParams } from './orders.ts';

const lockerParams = z.object({ lockerId: clientId });
const collectBody = z.object({ code: z.string().regex(/^\d{6}$/, 'must be 6 digits') });

/** The actions of API.md "Life of an order" that the intake answers; each returns the order as it now is. */
export function orderActionRoutes(ctx: IntakeContext): Router {
  const router = Router();
  const lifecycle = () => ctx.lifecycle;

  const actor = (req: Request): Actor => principalOf(req);
  const id = (req: Request) => parseInput(orderIdParams, req.params, 'path').id;
  /** Bodies are optional for these actions; when sent they must be objects. */
  const body = (req: Request) => (req.body === undefined ? {} : requireObjectBody(req.body));

  router.post('/v1/orders/:id/accept', async (req, res) => {
    res.json(await lifecycle().accept(id(req), actor(req)));
  });
  router.post('/v1/orders/:id/decline', async (req, res) => {
    const { reason } = parseInput(orderActionBodies.decline, body(req));
    res.json(await lifecycle().decline(id(req), actor(req), reason));
  });
  router.post('/v1/orders/:id/ready', async (req, res) => {
    res.json(await lifecycle().ready(id(req), actor(req)));
  });
  router.post('/v1/orders/:id/collected', async (req, res) => {
    res.json(await lifecycle().collected(id(req), actor(req)));
  });
  router.post('/v1/orders/:id/complete', async (req, res) => {
    res.json(await lifecycle().complete(id(req), actor(req)));
  });
  router.post('/v1/orders/:id/pickup', async (req, res) => {
    res.json(await ctx.fulfilment.pickup(id(req), actor(req)));
  });
  router.post('/v1/orders/:id/deliver', async (req, res) => {
    res.json(await ctx.fulfilment.deliver(id(req), actor(req)));
  });
  router.post('/v1/orders/:id/deposit', async (req, res) => {
    res.json(await ctx.fulfilment.deposit(id(req), actor(req)));
  });
  router.post('/v1/lockers/:lockerId/collect', async (req, res) => {
    const { lockerId } = parseInput(lockerParams, req.params, 'path');
    const principal = requireRole(req, 'locker');
    if (principal.role === 'locker' && principal.subjectId !== lockerId) {
      throw forbidden('a locker key collects only at its own locker');
    }
    const { code } = parseInput(collectBody, requireObjectBody(req.body));
    res.json(await ctx.fulfilment.collectAtLocker(lockerId, code, principal));
  });
  router.post('/v1/orders/:id/cancel', async (req, res) => {
    const { reason } = parseInput(orderActionBodies.cancel, body(req));
    res.json(await lifecycle().cancel(id(req), actor(req), reason));
  });
  router.post('/v1/orders/:id/rating', async (req, res) => {
    const { score, comment } = parseInput(orderActionBodies.rating, requireObjectBody(req.body));
    res.json(await lifecycle().rate(id(req), actor(req), score, comment));
  });

  return router;
}
