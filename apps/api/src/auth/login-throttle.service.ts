import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RedisConnection } from '@cascade/cache';
import { DomainError } from '@cascade/core';

const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;

/**
 * Brute-force brake per tenant + email: at most 5 password checks that did not succeed within
 * 15 minutes. Exact under concurrency because an attempt RESERVES its slot atomically (INCR in
 * Redis, or the in-process map) BEFORE the slow hash runs — there is no read-then-count gap for
 * 30 parallel guesses to slip through. A success clears the count; anything over the limit is
 * refused with 429 without checking a password. Keys hash the email: no address in Redis in clear.
 */
@Injectable()
export class LoginThrottle {
  private readonly local = new Map<string, { count: number; until: number }>();

  constructor(private readonly redis: RedisConnection) {}

  /** Takes one of the 5 slots, or refuses the attempt before any password is checked. */
  async reserve(tenantId: string, email: string): Promise<void> {
    const attempts = await this.take(this.key(tenantId, email));
    if (attempts > MAX_FAILURES) {
      throw new DomainError(
        429,
        'rate_limited',
        'Too many failed logins; try again later',
        {},
        { 'Retry-After': String(WINDOW_MS / 1000) },
      );
    }
  }

  async succeeded(tenantId: string, email: string): Promise<void> {
    const key = this.key(tenantId, email);
    this.local.delete(key);
    if (this.redis.ready) await this.redis.client!.del(key).catch((err: Error) => this.redis.logError(err));
  }

  private async take(key: string): Promise<number> {
    if (this.redis.ready) {
      try {
        const [count] = await this.redis.client!.multi().incr(key).pExpire(key, WINDOW_MS, 'NX').exec();
        return Number(count);
      } catch (err) {
        this.redis.logError(err as Error);
      }
    }
    const now = Date.now();
    const entry = this.local.get(key);
    if (this.local.size > 100_000) this.local.clear();
    const next = !entry || entry.until < now ? { count: 1, until: now + WINDOW_MS } : { count: entry.count + 1, until: entry.until };
    this.local.set(key, next);
    return next.count;
  }

  private key(tenantId: string, email: string): string {
    return `login-failures:${tenantId}:${createHash('sha256').update(email).digest('hex')}`;
  }
}
