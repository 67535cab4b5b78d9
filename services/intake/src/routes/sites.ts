import {
  type AppError,
  clientId,
  conflict,
  type Issue,
  invalid,
  type NewSite,
  notFound,
  parseInput,
  requireObjectBody,
  type Site,
  siteBulkCreate,
  siteCreate,
  sitePatch,
} from '@quarterhour/domain';
import { Router } from 'express';
import { z } from 'zod';
import type { IntakeContext } from '../context.ts';
import { requireRole, requireSiteAccess } from '../http/auth.ts';

export const siteIdParams = z.object({ id: clientId });

export function siteRoutes(ctx: IntakeContext): Router {
  const router = Router();

  router.post('/v1/sites', async (req, res) => {
    requireRole(req, 'ops');
    const site = parseInput(siteCreate, requireObjectBody(req.body));
    const { created, apiKeys } = await createSites(ctx, [site], (index) => (index === 0 ? 'id' : ''));
    res.status(201).json({ site: created[0], apiKey: apiKeys.get(site.id) });
  });

  router.post('/v1/sites/bulk', async (req, res) => {
    requireRole(req, 'ops');
    const body = requireObjectBody(req.body);
    const parsed = siteBulkCreate.safeParse(body);
    if (!parsed.success) throw bulkValidationError(body, parsed.error.issues);
    const sites = parsed.data.sites;
    const duplicates = duplicateIds(sites);
    if (duplicates.length)
      throw invalid(duplicates, `the body repeats site ids: ${describe(duplicates, sites)}`);
    const { created, apiKeys } = await createSites(ctx, sites, (index) => `sites.${index}.id`);
    res.status(201).json({ created: created.length, apiKeys: Object.fromEntries(apiKeys) });
  });

  router.get('/v1/sites/:id', async (req, res) => {
    const { id } = parseInput(siteIdParams, req.params, 'path');
    requireSiteAccess(req, id);
    const site = await ctx.sites.get(id);
    if (!site) throw notFound(`site ${id}`);
    res.json(site);
  });

  router.patch('/v1/sites/:id', async (req, res) => {
    const { id } = parseInput(siteIdParams, req.params, 'path');
    requireSiteAccess(req, id);
    const patch = parseInput(sitePatch, requireObjectBody(req.body));
    const updated = await ctx.sql.begin(async (tx) => {
      const current = await ctx.sites.get(id, tx, { lock: true });
      if (!current) throw notFound(`site ${id}`);
      return ctx.sites.update(tx, mergeSite(current, patch));
    });
    await ctx.publishSiteChange(id);
    res.json(updated);
  });

  return router;
}

async function createSites(ctx: IntakeContext, sites: NewSite[], idPath: (index: number) => string) {
  const result = await ctx.sql
    .begin(async (tx) => {
      const existing = new Set(
        await ctx.sites.existing(
          tx,
          sites.map((site) => site.id),
        ),
      );
      if (existing.size) {
        const issues = sites.flatMap((site, index) =>
          existing.has(site.id) ? [{ path: idPath(index), message: `site ${site.id} already exists` }] : [],
        );
        throw conflict(`sites already exist: ${describe(issues, sites)}`, issues);
      }
      const created = await ctx.sites.insertMany(tx, sites);
      const apiKeys = await ctx.apiKeys.issueMany(
        tx,
        'site',
        sites.map((site) => site.id),
      );
      return { created, apiKeys };
    })
    .catch((error: { code?: string }) => {
      // Another request created one of these ids between our check and our insert.
      if (error.code === '23505') throw conflict('a site with one of these ids was created meanwhile; retry');
      throw error;
    });
  for (const site of result.created) await ctx.publishSiteChange(site.id);
  return result;
}

/** PATCH semantics: the fields sent replace the current ones; `acceptance` merges. */
function mergeSite(current: Site, patch: z.output<typeof sitePatch>): Site {
  const issues: Issue[] = [];
  if (patch.id !== undefined && patch.id !== current.id)
    issues.push({ path: 'id', message: 'cannot be changed' });
  if (patch.kind !== undefined && patch.kind !== current.kind)
    issues.push({ path: 'kind', message: 'cannot be changed' });
  const merged: Site = {
    ...current,
    ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
    id: current.id,
    kind: current.kind,
    acceptance: { ...current.acceptance, ...(patch.acceptance ?? {}) },
  } as Site;
  if (merged.kind === 'provider' && merged.services.length === 0) {
    issues.push({ path: 'services', message: 'a provider must offer at least one service' });
  }
  if (issues.length) throw invalid(issues);
  return merged;
}

function duplicateIds(sites: NewSite[]): Issue[] {
  const first = new Map<string, number>();
  const issues: Issue[] = [];
  sites.forEach((site, index) => {
    const earlier = first.get(site.id);
    if (earlier === undefined) first.set(site.id, index);
    else issues.push({ path: `sites.${index}.id`, message: `repeats sites.${earlier}.id (${site.id})` });
  });
  return issues;
}

/** Validation issues of a bulk body, with a message that names the offending sites by id. */
function bulkValidationError(body: Record<string, unknown>, zodIssues: z.core.$ZodIssue[]): AppError {
  const issues = zodIssues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const list = Array.isArray(body.sites) ? body.sites : [];
  return invalid(issues, `invalid sites: ${describe(issues, list)}`);
}

/** "s-17 (sites.16), s-90 (sites.89)": the first few sites that issues point at. */
function describe(issues: Issue[], sites: unknown[]): string {
  const named = new Map<number, string>();
  for (const issue of issues) {
    const match = issue.path.match(/^sites\.(\d+)/);
    const index = match ? Number(match[1]) : 0;
    if (named.has(index)) continue;
    const id = (sites[index] as { id?: unknown } | undefined)?.id;
    named.set(index, typeof id === 'string' ? `${id} (sites.${index})` : `sites.${index}`);
  }
  const list = [...named.values()];
  return list.length > 5 ? `${list.slice(0, 5).join(', ')} and ${list.length - 5} more` : list.join(', ');
}
