import type { Request } from 'express';

/**
 * The route template of a request (`/v1/sites/:siteId/stock/:sku`), for metric labels and
 * span names. Raw URLs would put ids into labels and grow Prometheus without bound.
 *
 * Express keeps only the matched route's own path (`req.route.path`) and the mount point
 * as it appeared in the URL (`req.baseUrl`, ids included). So the mount point is matched
 * back against the router stack to recover its template, and `req.baseUrl` is captured
 * at the moment the route is matched: after a handler throws, Express has already reset
 * it by the time an app-level error handler answers.
 */
export interface RouteWatch {
  /** `unmatched` when no route answered (404s, or a middleware that answered itself). */
  template(): string;
}

export const UNMATCHED = 'unmatched';
/** Used in place of a mount point that cannot be resolved (e.g. a sub-app mounted elsewhere). */
const UNKNOWN_BASE = '/*';
const MAX_NESTING = 8;

export function watchRoute(req: Request): RouteWatch {
  let route: unknown = req.route;
  let baseAtMatch = req.baseUrl ?? '';
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: unknown) {
      route = value;
      baseAtMatch = req.baseUrl ?? '';
    },
  });
  return {
    template() {
      const path = (route as { path?: unknown } | undefined)?.path;
      if (path === undefined) return UNMATCHED;
      const own = typeof path === 'string' ? path : String(path);
      const base = baseTemplate(req, baseAtMatch);
      if (!base) return own;
      return own === '/' ? base : `${base}${own}`;
    },
  };
}

interface LayerLike {
  route?: unknown;
  handle?: unknown;
  rawPath?: unknown;
  slash?: boolean;
  matchers?: unknown;
}

type Matcher = (path: string) => false | { path?: unknown };

function baseTemplate(req: Request, baseUrl: string): string {
  if (!baseUrl) return '';
  const stack = stackOf((req.app as unknown as { router?: unknown }).router);
  if (!stack) return UNKNOWN_BASE;
  return resolve(stack, baseUrl, 0) ?? UNKNOWN_BASE;
}

function stackOf(handle: unknown): LayerLike[] | undefined {
  const stack = (handle as { stack?: unknown } | undefined)?.stack;
  return Array.isArray(stack) ? (stack as LayerLike[]) : undefined;
}

/** Finds the chain of mounted routers whose paths consume `path` exactly; returns their templates joined. */
function resolve(stack: LayerLike[], path: string, depth: number): string | undefined {
  if (path === '') return '';
  if (depth >= MAX_NESTING) return undefined;
  for (const layer of stack) {
    if (layer.route) continue;
    const inner = stackOf(layer.handle);
    if (!inner) continue;
    if (layer.slash) {
      const found = resolve(inner, path, depth + 1);
      if (found !== undefined) return found;
      continue;
    }
    const templates = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath];
    const matchers = Array.isArray(layer.matchers) ? (layer.matchers as unknown[]) : [];
    for (const [index, matcher] of matchers.entries()) {
      const consumed = matchPath(matcher, path);
      if (consumed === undefined) continue;
      const rest = resolve(inner, path.slice(consumed.length), depth + 1);
      if (rest === undefined) continue;
      const raw = templates[index];
      const own = typeof raw === 'string' ? raw.replace(/\/$/, '') : String(raw);
      return `${own}${rest}`;
    }
  }
  return undefined;
}

function matchPath(matcher: unknown, path: string): string | undefined {
  if (typeof matcher !== 'function') return undefined;
  try {
    const hit = (matcher as Matcher)(path);
    if (!hit || typeof hit.path !== 'string' || hit.path === '') return undefined;
    return hit.path;
  } catch {
    return undefined; // a malformed %-escape in the URL; the caller falls back
  }
}
