import { randomUUID } from 'node:crypto';
import { Request } from 'express';

const REQUEST_ID = Symbol('cascade.requestId');
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/** The caller's X-Request-Id when well-formed (8–128 safe characters), else a fresh uuid. */
export function assignRequestId(req: Request): string {
  const given = req.headers['x-request-id'];
  const value = typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
  (req as unknown as Record<symbol, string>)[REQUEST_ID] = value;
  return value;
}

export function requestIdOf(req: Request): string | undefined {
  return (req as unknown as Record<symbol, string | undefined>)[REQUEST_ID];
}
