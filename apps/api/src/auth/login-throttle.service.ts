import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RedisConnection } from '@cascade/cache';
import { DomainError } from '@cascade/core';

const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;

/**
 * Brute-force brake per tenant + email: after 5 failed logins within 15 minutes that pair is
 * refused (429) until the window passes. Shared through Redis when configured, per process
 * otherwise. Keys hash the email, so no address sits in Redis in clear.
 */
@Injectable()
export class LoginThrottle {
  private readonly local = new Map<string, { count: number; until: number }>();

  constructor(private readonly redis: RedisConnection) {}

  async assertAllowed(tenantId: string, email: string): Promise<void> {
    const failures = await this.failures(this.key(tenantId, email));
    if (failures >= MAX_FAILURES) {
      throw new DomainError(
        429,
        'rate_limited',
        'Too many failed logins; try again later',
        {},
        { 'Retry-After': String(WINDOW_MS / 1000) },
      );
    }
  }

  async recordFailure(tenantId: string, email: string): Promise<void> {
    const key = this.key(tenantId, email);
    if (this.redis.ready) {
      try {
        await this.redis.client!.multi().incr(key).pExpire(key, WINDOW_MS).exec();
        return;
      } catch (err) {
        this.redis.logError(err as Error);
      }
    }
    const entry = this.local.get(key);
    const fresh = !entry || entry.until < Date.now();
    if (this.local.size > 100_000) this.local.clear();
    this.local.set(key, { count: fresh ? 1 : entry.count + 1, until: Date.now() + WINDOW_MS });
  }

  async reset(tenantId: string, email: string): Promise<void> {
    const key = this.key(tenantId, email);
    this.local.delete(key);
    if (this.redis.ready) await this.redis.client!.del(key).catch((err: Error) => this.redis.logError(err));
  }

  private async failures(key: string): Promise<number> {
    if (this.redis.ready) {
      try {
        return Number((await this.redis.client!.get(key)) ?? 0);
      } catch (err) {
        this.redis.logError(err as Error);
      }
    }
    const entry = this.local.get(key);
    return entry && entry.until >= Date.now() ? entry.count : 0;
  }

  private key(tenantId: string, email: string): string {
    return `login-failures:${tenantId}:${createHash('sha256').update(email).digest('hex')}`;
  }
}
