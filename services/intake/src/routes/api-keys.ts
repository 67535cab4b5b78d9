import {
  AppError,
  apiKeyCreate,
  clientId,
  invalid,
  notFound,
  parseInput,
  requireObjectBody,
} from '@quarterhour/domain';
import { Router } from 'express';
import { z } from 'zod';
import type { IntakeContext } from '../context.ts';
import { requireRole } from '../http/auth.ts';
import { ENVIRONMENT_OPS_KEY_ID } from '../registry/api-keys.ts';

const keyIdParams = z.object({ id: z.string().regex(/^key_[A-Za-z0-9_]{1,64}$/, 'is not a key id') });

export function apiKeyRoutes(ctx: IntakeContext): Router {
  const router = Router();

  router.post('/v1/api-keys', async (req, res) => {
    requireRole(req, 'ops');
    const body = parseInput(apiKeyCreate, requireObjectBody(req.body));
    if (body.role === 'courier' || body.role === 'locker') {
      throw invalid([{ path: 'role', message: `${body.role} keys are made with their ${body.role}` }]);
    }
    const subjectId = body.subjectId ? clientId.parse(body.subjectId) : null;
    const issued = await ctx.sql.begin(async (tx) => {
      if (subjectId && !(await ctx.sites.get(subjectId, tx))) throw notFound(`site ${subjectId}`);
      return ctx.apiKeys.issue(tx, body.role, body.name ?? null, subjectId);
    });
    res.status(201).json({
      id: issued.id,
      key: issued.key,
      role: issued.role,
      name: issued.name,
      ...(issued.subjectId ? { subjectId: issued.subjectId } : {}),
    });
  });

  router.delete('/v1/api-keys/:id', async (req, res) => {
    requireRole(req, 'ops');
    const { id } = parseInput(keyIdParams, req.params, 'path');
    if (id === ENVIRONMENT_OPS_KEY_ID) {
      throw new AppError('conflict', 'this key comes from OPS_API_KEY; change the setting to replace it');
    }
    if (!(await ctx.apiKeys.revoke(id))) throw notFound(`API key ${id}`);
    ctx.auth.forgetAll();
    await ctx.publishKeyRevocation(id);
    res.status(204).end();
  });

  return router;
}
