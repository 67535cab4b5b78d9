import { AppError } from '@quarterhour/domain';
import type { NextFunction, Request, Response } from 'express';

/**
 * A token bucket per key in this process: `perSecond` tokens a second, a burst of one
 * second's worth. Per process rather than shared in Redis because the default limit is
 * a guard against runaway clients, not a billing meter, and it costs no round trip.
 */
export function rateLimit(perSecond: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (req: Request, res: Response, next: NextFunction) => {
    const keyId = req.principal?.keyId;
    if (!keyId) return next();
    const t = now();
    let bucket = buckets.get(keyId);
    if (!bucket) {
      if (buckets.size > 100_000) buckets.clear();
      bucket = { tokens: perSecond, at: t };
      buckets.set(keyId, bucket);
    }
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
    bucket.at = t;
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
      throw new AppError('rate_limited', `over ${perSecond} requests a second for this key`, {
        retryAfterSeconds,
      });
    }
    bucket.tokens -= 1;
    res.setHeader('RateLimit-Limit', String(perSecond));
    next();
  };
}
