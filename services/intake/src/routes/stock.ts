import {
  notFound,
  parseInput,
  requireObjectBody,
  stockAdjust,
  stockQuery,
  stockSet,
  unavailable,
} from '@quarterhour/domain';
import { type Response, Router } from 'express';
import type { IntakeContext } from '../context.ts';
import { requireSiteAccess } from '../http/auth.ts';
import { siteIdParams } from './sites.ts';

export function stockRoutes(ctx: IntakeContext): Router {
  const router = Router();

  /** Answers with the site's stock as it now is, as every successful action does. */
  async function sendStock(res: Response, siteId: string, skus?: string[]) {
    let items = await ctx.hotStock.read(siteId, skus);
    if (!items) {
      await ctx.hotState.ensure(true);
      items = await ctx.hotStock.read(siteId, skus);
      if (!items) throw unavailable('stock is being rebuilt; try again');
    }
    res.json({ items });
  }

  router.put('/v1/sites/:id/stock', async (req, res) => {
    const { id } = parseInput(siteIdParams, req.params, 'path');
    requireSiteAccess(req, id);
    const body = parseInput(stockSet, requireObjectBody(req.body));
    await ctx.stock.set(id, body.items);
    await sendStock(res, id);
  });

  router.post('/v1/sites/:id/stock/adjust', async (req, res) => {
    const { id } = parseInput(siteIdParams, req.params, 'path');
    requireSiteAccess(req, id);
    const body = parseInput(stockAdjust, requireObjectBody(req.body));
    await ctx.stock.adjust(id, body.items);
    await sendStock(res, id);
  });

  router.get('/v1/sites/:id/stock', async (req, res) => {
    const { id } = parseInput(siteIdParams, req.params, 'path');
    requireSiteAccess(req, id);
    const query = parseInput(stockQuery, req.query, 'query');
    if (!(await ctx.sites.get(id))) throw notFound(`site ${id}`);
    await sendStock(res, id, query.sku);
  });

  return router;
}
