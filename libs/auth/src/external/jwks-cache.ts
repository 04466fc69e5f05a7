import { Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, JSONWebKeySet, JWSHeaderParameters, FlattenedJWSInput } from 'jose';
import { unavailable } from '@cascade/core';

/** An unknown `kid` re-reads the JWKS at most this often: forged kids cannot hammer the provider. */
export const UNKNOWN_KID_COOLDOWN_MS = 30_000;
/** Known keys are re-read this often in the background (removed keys stop being trusted). */
const MAX_AGE_MS = 10 * 60_000;
/** While no key set was ever read, a failed read is retried at most this often. */
const FIRST_READ_RETRY_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/**
 * The identity provider's signing keys, read over HTTP and kept: a provider outage never drops
 * keys that were read (tokens keep being verified), rotation is followed by re-reading on an
 * unknown `kid` (at most once per UNKNOWN_KID_COOLDOWN_MS) and every MAX_AGE_MS in the
 * background. Key selection (by kid, and by key type matching the token's alg) is jose's.
 */
export class JwksCache {
  private readonly logger = new Logger('ExternalAuth');
  private resolver?: KeyResolver;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private reading?: Promise<boolean>;

  constructor(
    private readonly url: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key for this token's header, or jose's error (no matching key, several matching). */
  async key(header: JWSHeaderParameters, token: FlattenedJWSInput) {
    if (!this.resolver) {
      if (this.now() - this.lastAttemptAt < FIRST_READ_RETRY_MS || !(await this.read())) {
        throw unavailable("The identity provider's keys cannot be read right now; retry shortly");
      }
    } else if (this.now() - this.fetchedAt > MAX_AGE_MS && this.now() - this.lastAttemptAt >= UNKNOWN_KID_COOLDOWN_MS) {
      void this.read();
    }
    const resolver = this.resolver as KeyResolver;
    try {
      return await resolver(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      if (this.now() - this.lastAttemptAt < UNKNOWN_KID_COOLDOWN_MS || !(await this.read())) throw err;
      return (this.resolver as KeyResolver)(header, token);
    }
  }

  /** Reads the key set; concurrent callers share one request. False when it failed (old keys stay). */
  private read(): Promise<boolean> {
    this.reading ??= this.fetchKeys()
      .then((jwks) => {
        this.resolver = createLocalJWKSet(jwks);
        this.fetchedAt = this.now();
        return true;
      })
      .catch((err: Error) => {
        this.logger.warn(`JWKS not readable from ${this.url}: ${err.message}`);
        return false;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async fetchKeys(): Promise<JSONWebKeySet> {
    this.lastAttemptAt = this.now();
    const res = await fetch(this.url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as Partial<JSONWebKeySet> | null;
    if (!body || !Array.isArray(body.keys)) throw new Error('not a JWK set (no "keys" array)');
    return body as JSONWebKeySet;
  }
}
