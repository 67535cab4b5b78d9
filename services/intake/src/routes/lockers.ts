import { clientId, conflict, forbidden, notFound, parseInput, requireObjectBody } from '@quarterhour/domain';
import { lockerCreate } from '@quarterhour/logistics';
import { type Request, Router } from 'express';
import { z } from 'zod';
import type { IntakeContext } from '../context.ts';
import { requireRole } from '../http/auth.ts';

const lockerIdParams = z.object({ id: clientId });

/** Ops, or the locker's own key; another locker's key gets 403 whether or not that locker exists. */
function requireLockerAccess(req: Request, lockerId: string): void {
  const principal = requireRole(req, 'locker');
  if (principal.role === 'locker' && principal.subjectId !== lockerId) {
    throw forbidden('a locker key acts only on its own locker');
  }
}

/** API.md "Lockers": registration, and the compartments' state (never their codes). */
export function lockerRoutes(ctx: IntakeContext): Router {
  const router = Router();

  router.post('/v1/lockers', async (req, res) => {
    requireRole(req, 'ops');
    const body = parseInput(lockerCreate, requireObjectBody(req.body));
    const taken = () =>
      conflict(`locker ${body.id} already exists`, [
        { path: 'id', message: `locker ${body.id} already exists` },
      ]);
    const apiKey = await ctx.sql
      .begin(async (tx) => {
        if (!(await ctx.lockers.insert(tx, body))) throw taken();
        return (await ctx.apiKeys.issue(tx, 'locker', body.id, body.id)).key;
      })
      .catch((error: { code?: string }) => {
        if (error.code === '23505') throw taken();
        throw error;
      });
    res.status(201).json({ locker: await ctx.lockers.publish(body.id), apiKey });
  });

  router.get('/v1/lockers/:id', async (req, res) => {
    const { id } = parseInput(lockerIdParams, req.params, 'path');
    requireLockerAccess(req, id);
    const locker = await ctx.lockers.get(id);
    if (!locker) throw notFound(`locker ${id}`);
    res.json(locker);
  });

  return router;
}
