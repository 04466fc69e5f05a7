import { decodeProtectedHeader, errors, FlattenedJWSInput } from 'jose';
import { DomainError } from '@cascade/core';
import { JwksServer, providerToken, signingKey, SigningKey } from '../../../../test/support/identity-provider';
import { eventually } from '../../../../test/support/eventually';
import { JwksCache, UNKNOWN_KID_COOLDOWN_MS } from './jwks-cache';

/** Real keys and a real JWKS over HTTP; only the cache's clock is the test's. */
describe('JwksCache', () => {
  let server: JwksServer;
  let rsa: SigningKey;
  let ec: SigningKey;
  let rotated: SigningKey;
  let now: number;
  let cache: JwksCache;

  beforeAll(async () => {
    server = await JwksServer.start();
    [rsa, ec, rotated] = await Promise.all([signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1'), signingKey('RS256', 'rsa-2')]);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.publish(rsa, ec);
    server.down = false;
    server.requests = 0;
    now = 1_000_000;
    cache = new JwksCache(server.url, () => now);
  });

  async function keyFor(token: string) {
    return cache.key(decodeProtectedHeader(token), { payload: '', signature: '' } as FlattenedJWSInput);
  }

  it('picks keys by kid, reading the set once', async () => {
    await expect(keyFor(await providerToken(rsa, {}))).resolves.toBeDefined();
    await expect(keyFor(await providerToken(ec, {}))).resolves.toBeDefined();
    expect(server.requests).toBe(1);
  });

  it('re-reads on an unknown kid at most once per cooldown, and follows a rotation', async () => {
    await keyFor(await providerToken(rsa, {}));
    for (let i = 0; i < 20; i++) {
      await expect(keyFor(await providerToken(rsa, {}, { kid: `forged-${i}` }))).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    }
    expect(server.requests).toBe(1); // the first read was just now: no re-read inside the cooldown
    server.publish(rotated); // rsa-1 and ec-1 removed, rsa-2 added
    now += UNKNOWN_KID_COOLDOWN_MS - 1;
    await expect(keyFor(await providerToken(rotated, {}))).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(server.requests).toBe(1);
    now += 1;
    await expect(keyFor(await providerToken(rotated, {}))).resolves.toBeDefined();
    expect(server.requests).toBe(2);
    await expect(keyFor(await providerToken(rsa, {}))).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey); // removed key
    expect(server.requests).toBe(2);
  });

  it('a token whose alg does not fit the key type finds no key', async () => {
    await keyFor(await providerToken(rsa, {}));
    const header = { alg: 'ES256', kid: 'rsa-1' };
    await expect(cache.key(header, { payload: '', signature: '' })).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('keeps serving cached keys while the provider is down, and says 503 when it never had any', async () => {
    await keyFor(await providerToken(rsa, {}));
    server.down = true;
    now += 60 * 60_000; // past the background refresh age too
    await expect(keyFor(await providerToken(rsa, {}))).resolves.toBeDefined();
    await expect(keyFor(await providerToken(ec, {}))).resolves.toBeDefined();
    await eventually(() => expect(server.requests).toBe(2)); // it did try, in the background

    const fresh = new JwksCache(server.url, () => now);
    const err = await fresh.key({ alg: 'RS256', kid: 'rsa-1' }, { payload: '', signature: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).status).toBe(503);
  });
});
