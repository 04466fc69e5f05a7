import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { routeTemplateOf, validationFailed } from '@cascade/core';
import { IDEMPOTENCY_POLICY } from './idempotency.policy';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** 1..255 printable ASCII characters (space to tilde), as the contract says. */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** The request's Idempotency-Key, undefined when it sent none; anything malformed is a 400. */
export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const raw = req.headers[IDEMPOTENCY_KEY_HEADER];
  if (raw === undefined) return undefined;
  // Node joins repeated headers with ", ", which would silently make another key: refuse both.
  const repeated = req.raw.rawHeaders.filter((_, i) => i % 2 === 0).filter((h) => h.toLowerCase() === IDEMPOTENCY_KEY_HEADER).length > 1;
  if (repeated || Array.isArray(raw) || !KEY_PATTERN.test(raw)) {
    throw validationFailed('Idempotency-Key must be sent once, as 1 to 255 printable ASCII characters');
  }
  return raw;
}

/**
 * JSON with object keys sorted at every level, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one
 * request. Walks at most `maxBodyDepth` levels and refuses deeper input (never a stack overflow).
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > IDEMPOTENCY_POLICY.maxBodyDepth) throw validationFailed('The request body is nested too deeply');
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v, depth + 1)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], depth + 1)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What "the same request" means for a JSON route: method, route template, path params, query, canonical body. */
export function jsonFingerprint(req: FastifyRequest): string {
  return sha256(
    [
      'json',
      req.method,
      routeOf(req),
      canonicalJson(req.params ?? {}),
      canonicalJson(req.query ?? {}),
      canonicalJson(req.body ?? null),
    ].join('\n'),
  );
}

/**
 * A streamed upload is fingerprinted before its body is read, from what its headers say: the
 * media type (without the multipart boundary, which a client may draw anew on a retry) and the
 * Content-Length. Hashing the bytes would mean holding or re-reading the stream; a client that
 * reuses a key for another file of the exact same length gets the first answer.
 */
export function uploadFingerprint(req: FastifyRequest): string {
  const mediaType = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const length = req.headers['content-length'] ?? 'chunked';
  return sha256(
    ['upload', req.method, routeOf(req), canonicalJson(req.params ?? {}), canonicalJson(req.query ?? {}), mediaType, length].join('\n'),
  );
}

function routeOf(req: FastifyRequest): string {
  return routeTemplateOf(req) ?? req.url.split('?')[0];
}
