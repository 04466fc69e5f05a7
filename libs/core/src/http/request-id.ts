import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { findRequestContext } from './request-context';

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/** The caller's X-Request-Id when well-formed (8–128 safe characters), else a fresh uuid. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}

/** The current request's id, or undefined outside a request. */
export function currentRequestId(): string | undefined {
  return findRequestContext()?.requestId;
}
