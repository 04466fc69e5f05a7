import type { FastifyRequest } from 'fastify';
import { DomainError } from '@cascade/core';
import { canonicalJson, idempotencyKeyOf, jsonFingerprint, uploadFingerprint } from './idempotency-key';
import { StoredKey } from './idempotency-key.repository';
import { decide } from './idempotency-keys.service';

/** A Fastify request as the fingerprint reads it: the matched route, params, query, body and headers. */
const req = ({
  route = { path: '/api/resources' },
  rawHeaders = [],
  ...over
}: { route?: { path: string }; headers?: Record<string, string>; rawHeaders?: string[]; body?: unknown }) =>
  ({
    method: 'POST',
    is404: false,
    routeOptions: { url: route.path },
    params: {},
    query: {},
    body: {},
    headers: {},
    raw: { rawHeaders },
    ...over,
  }) as unknown as FastifyRequest;

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? `${err.status} ${err.code}` : String(err);
  }
  return 'no error';
};

describe('Idempotency-Key header', () => {
  const withKey = (value: string, times = 1) =>
    req({ headers: { 'idempotency-key': value }, rawHeaders: Array.from({ length: times }, () => ['Idempotency-Key', value]).flat() });

  it('accepts 1..255 printable ASCII characters and no header at all', () => {
    expect(idempotencyKeyOf(req({}))).toBeUndefined();
    expect(idempotencyKeyOf(withKey('a'))).toBe('a');
    expect(idempotencyKeyOf(withKey('~ !x'.repeat(60)))).toBe('~ !x'.repeat(60));
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['non-ASCII', 'schl\u00fcssel'],
    ['a control character', 'a\u0007b'],
  ])('refuses %s with 400 validation_failed', (_, value) => {
    expect(codeOf(() => idempotencyKeyOf(withKey(value)))).toBe('400 validation_failed');
  });

  it('refuses a key sent twice (Node would join the two into a third)', () => {
    expect(codeOf(() => idempotencyKeyOf(withKey('a', 2)))).toBe('400 validation_failed');
  });
});

describe('request fingerprints', () => {
  it('ignore object key order but not values, arrays order or the route', () => {
    const a = jsonFingerprint(req({ body: { name: 'x', data: { b: 1, a: [1, 2] } } }));
    expect(jsonFingerprint(req({ body: { data: { a: [1, 2], b: 1 }, name: 'x' } }))).toBe(a);
    expect(jsonFingerprint(req({ body: { name: 'x', data: { b: 1, a: [2, 1] } } }))).not.toBe(a);
    expect(jsonFingerprint(req({ body: { name: 'x', data: { b: '1', a: [1, 2] } } }))).not.toBe(a);
    expect(jsonFingerprint(req({ route: { path: '/api/workrooms' }, body: { name: 'x', data: { b: 1, a: [1, 2] } } }))).not.toBe(a);
  });

  it('refuse a body nested deeper than any route needs instead of walking it', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    expect(codeOf(() => canonicalJson(deep))).toBe('400 validation_failed');
  });

  it('for uploads: the media type without its boundary, and the length', () => {
    const upload = (type: string, length: string) =>
      uploadFingerprint(req({ headers: { 'content-type': type, 'content-length': length } }));
    expect(upload('multipart/form-data; boundary=aaa', '100')).toBe(upload('Multipart/Form-Data; boundary=bbb', '100'));
    expect(upload('multipart/form-data; boundary=aaa', '100')).not.toBe(upload('multipart/form-data; boundary=aaa', '101'));
  });
});

describe('decide: what a stored key means for a request', () => {
  const stored = (over: Partial<StoredKey>): StoredKey => ({
    fingerprint: 'f',
    state: 'completed',
    responseStatus: 201,
    responseBody: '{}',
    expired: false,
    leaseLapsed: false,
    ...over,
  });
  const outcome = (found: StoredKey | undefined, fp = 'f') => {
    try {
      return decide(found, fp);
    } catch (err) {
      return (err as DomainError).code;
    }
  };

  it.each([
    ['no key', 'proceed', undefined, 'f'],
    ['answered, same request', 'replay', stored({}), 'f'],
    ['answered, other request', 'idempotency_key_reused', stored({}), 'g'],
    ['answered more than 24 h ago', 'proceed', stored({ expired: true }), 'g'],
    ['running upload', 'idempotency_in_progress', stored({ state: 'running', responseStatus: null, responseBody: null }), 'f'],
    ['running upload, other request', 'idempotency_key_reused', stored({ state: 'running' }), 'g'],
    ['upload whose process died', 'proceed', stored({ state: 'running', leaseLapsed: true }), 'f'],
  ] as const)('%s → %s', (_, expected, found, fp) => {
    expect(outcome(found, fp)).toBe(expected);
  });
});
