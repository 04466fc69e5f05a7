import { NextFunction, Request, Response } from 'express';

const UUID_IN_PATH = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Ids are case-insensitive (RFC 9562 prints them in lower case): every UUID in the path is
 * lower-cased before routing, so route params, cache keys, audit records and logs all see one
 * spelling. The query string is left alone (cursors are opaque).
 */
export function lowercaseIds() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    const lowered = path.replace(UUID_IN_PATH, (id) => id.toLowerCase());
    if (lowered !== path) req.url = lowered + (q === -1 ? '' : req.url.slice(q));
    next();
  };
}
