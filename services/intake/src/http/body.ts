import { AppError } from '@quarterhour/domain';
import express, { type NextFunction, type Request, type Response } from 'express';

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * JSON bodies only: a body of another type is 415 before it is read; size over the limit
 * is 413; anything JSON parses (null, arrays, numbers too) reaches validation, which
 * answers 400 `invalid_request` for a non-object, as API.md asks.
 */
export function jsonBody(limitFor: (req: Request) => number) {
  const parsers = new Map<number, ReturnType<typeof express.json>>();
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) return next();
    if (!req.is(['application/json', '+json'])) {
      throw new AppError('unsupported_media_type', 'the body must be application/json');
    }
    const limit = limitFor(req);
    let parser = parsers.get(limit);
    if (!parser) {
      parser = express.json({ limit, strict: false, type: () => true });
      parsers.set(limit, parser);
    }
    parser(req, res, next);
  };
}
