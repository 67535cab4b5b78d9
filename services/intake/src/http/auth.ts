import { AppError, forbidden, type Role } from '@quarterhour/domain';
import type { NextFunction, Request, Response } from 'express';
import type { ApiKeyStore, Principal } from '../registry/api-keys.ts';

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

const POSITIVE_TTL_MS = 5_000;
const NEGATIVE_TTL_MS = 1_000;

/**
 * Resolves bearer keys to principals, with a short cache so the order path does not
 * query PostgreSQL per request. Revocation clears the cache in every process (the
 * caller wires `forget()` to the revocation channel), so a revoked key is refused at once.
 */
export class Authenticator {
  private readonly cache = new Map<string, { principal: Principal | null; expiresAt: number }>();

  constructor(private readonly store: ApiKeyStore) {}

  async authenticate(key: string): Promise<Principal | null> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > now) return hit.principal;
    const principal = await this.store.findActive(key);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { principal, expiresAt: now + (principal ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS) });
    return principal;
  }

  forgetAll(): void {
    this.cache.clear();
  }

  middleware() {
    return async (req: Request, _res: Response, next: NextFunction) => {
      const header = req.headers.authorization;
      const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
      if (!match) {
        throw new AppError('unauthenticated', 'send an API key as "Authorization: Bearer <key>"');
      }
      const principal = await this.authenticate(match[1]!);
      if (!principal) throw new AppError('unauthenticated', 'the API key is unknown or revoked');
      req.principal = principal;
      next();
    };
  }
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new AppError('unauthenticated', 'no API key');
  return req.principal;
}

export function requireRole(req: Request, ...roles: Role[]): Principal {
  const principal = principalOf(req);
  if (principal.role !== 'ops' && !roles.includes(principal.role)) {
    throw forbidden(`a ${principal.role} key may not do this`);
  }
  return principal;
}

/**
 * Ops, or the site's own key. Another site's key gets 403 whether or not the site exists,
 * so keys cannot probe for ids.
 */
export function requireSiteAccess(req: Request, siteId: string): Principal {
  const principal = requireRole(req, 'site');
  if (principal.role === 'site' && principal.subjectId !== siteId) {
    throw forbidden('a site key acts only on its own site');
  }
  return principal;
}
