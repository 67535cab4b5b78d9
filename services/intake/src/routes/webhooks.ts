import { invalid, notFound, parseInput, requireObjectBody, unavailable } from '@quarterhour/domain';
import {
  checkWebhookHost,
  generateSecret,
  WEBHOOK_ID_PATTERN,
  WebhookStore,
  webhookCreate,
} from '@quarterhour/webhooks';
import { Router } from 'express';
import { z } from 'zod';
import type { IntakeContext } from '../context.ts';
import { requireRole } from '../http/auth.ts';
import type { Principal } from '../registry/api-keys.ts';

const webhookId = z.string().regex(WEBHOOK_ID_PATTERN, 'is not a webhook id');
const webhookIdParams = z.object({ id: webhookId });
const deadLetterQuery = z.object({
  webhookId: webhookId.optional(),
  orderId: z.string().min(1).max(64).optional(),
  limit: z.coerce
    .number()
    .int('must be an integer')
    .min(1, 'must be >= 1')
    .max(1000, 'must be <= 1000')
    .default(100),
});

/** Ops sees and removes every key's webhooks; a platform key only its own (null: no restriction). */
function ownerScope(principal: Principal): string | null {
  return principal.role === 'ops' ? null : principal.keyId;
}

/**
 * Webhooks of platform keys (API.md "Webhooks", docs/WEBHOOKS.md). A webhook belongs to
 * the key that registered it, as orders do; its secret leaves the service only in the
 * answer that created it, and only when the service made it.
 */
export function webhookRoutes(ctx: IntakeContext): Router {
  const router = Router();
  const store = new WebhookStore(ctx.sql);

  router.post('/v1/webhooks', async (req, res) => {
    const principal = requireRole(req, 'platform');
    const body = parseInput(webhookCreate, requireObjectBody(req.body));
    const host = await checkWebhookHost(new URL(body.url), { allowPrivate: ctx.config.allowPrivateWebhooks });
    if (!host.ok) {
      if (host.reason === 'dns_unavailable') throw unavailable(`${host.message}; try again`);
      throw invalid([{ path: 'url', message: host.message }]);
    }
    const secret = body.secret ?? generateSecret();
    const webhook = await store.create(principal.keyId, body.url, secret);
    res.status(201).json(body.secret ? webhook : { ...webhook, secret });
  });

  router.get('/v1/webhooks', async (req, res) => {
    const principal = requireRole(req, 'platform');
    res.json({ webhooks: await store.list(ownerScope(principal)) });
  });

  router.get('/v1/webhooks/dead-letters', async (req, res) => {
    const principal = requireRole(req, 'platform');
    const query = parseInput(deadLetterQuery, req.query, 'query');
    res.json({ messages: await store.deadLetters({ ...query, keyId: ownerScope(principal) }) });
  });

  router.delete('/v1/webhooks/:id', async (req, res) => {
    const principal = requireRole(req, 'platform');
    const { id } = parseInput(webhookIdParams, req.params, 'path');
    if (!(await store.remove(id, ownerScope(principal)))) throw notFound(`webhook ${id}`);
    res.status(204).end();
  });

  return router;
}
