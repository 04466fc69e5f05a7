import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { RedisConnection } from '@cascade/cache';
import { InjectMetric, M } from '@cascade/metrics';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the current window ends. */
  resetMs: number;
}

export const WINDOW_MS = 60_000;

// One round trip, atomic in Redis: the window is taken from Redis's own clock (so replicas with
// skewed clocks agree), the counter is incremented and expires with its window.
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local start = now - (now % window)
local key = KEYS[1] .. ':' .. start
local count = redis.call('INCR', key)
if count == 1 then redis.call('PEXPIRE', key, window + 1000) end
return { count, start + window - now }`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

/**
 * Fixed one-minute windows per tenant. With REDIS_URL the count is shared by all replicas;
 * without it (or while Redis is unreachable) each process counts for itself. Choice when Redis
 * fails: FAIL OPEN to the per-process counter — availability over exactness for a minute — and
 * say so with cascade_rate_limit_backend_errors_total and a log line.
 */
@Injectable()
export class RateLimiter {
  private readonly local = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly redis: RedisConnection,
    @InjectMetric(M.rateLimitBackendErrors) private readonly backendErrors: Counter,
  ) {}

  async hit(tenantId: string, limit: number): Promise<RateDecision> {
    const client = this.redis.client;
    if (client) {
      try {
        const call = { keys: [`ratelimit:${tenantId}`], arguments: [String(WINDOW_MS)] };
        // EVALSHA sends 40 bytes instead of the script; a Redis that restarted answers NOSCRIPT once.
        const [count, resetMs] = (await client.evalSha(SCRIPT_SHA, call).catch((err: Error) => {
          if (!/NOSCRIPT/.test(err.message)) throw err;
          return client.eval(SCRIPT, call);
        })) as [number, number];
        return this.decide(count, limit, resetMs);
      } catch (err) {
        this.backendErrors.inc();
        this.redis.logError(err as Error);
      }
    }
    return this.hitLocal(tenantId, limit);
  }

  private hitLocal(tenantId: string, limit: number): RateDecision {
    const now = Date.now();
    const start = now - (now % WINDOW_MS);
    let slot = this.local.get(tenantId);
    if (!slot || slot.start !== start) {
      if (this.local.size > 100_000) this.local.clear();
      slot = { start, count: 0 };
      this.local.set(tenantId, slot);
    }
    slot.count++;
    return this.decide(slot.count, limit, start + WINDOW_MS - now);
  }

  private decide(count: number, limit: number, resetMs: number): RateDecision {
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetMs };
  }
}
