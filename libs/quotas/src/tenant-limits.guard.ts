import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { Counter } from 'prom-client';
import { PREFETCH_CELL, PrefetchKey, TenantCache } from '@cascade/cache';
import { DomainError, featureNotEnabled } from '@cascade/core';
import { InjectMetric, M, TenantLabels } from '@cascade/metrics';
import { findTenantContext } from '@cascade/tenancy';
import { ConcurrencyLimiter } from './concurrency/concurrency-limiter';
import { REQUIRED_FEATURE } from './features/requires-feature.decorator';
import { TenantLimits } from './limits/tenant-limits.service';
import { RateLimiter } from './rate-limit/rate-limiter';

/**
 * Per-tenant limits, checked right after the tenant is known and BEFORE the request takes a
 * database connection, so a flood from one tenant is refused cheaply and cannot starve the pool:
 * calls per minute (shared across replicas), requests in flight, and route features.
 */
@Injectable()
export class TenantLimitsGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: TenantLimits,
    private readonly rate: RateLimiter,
    private readonly concurrency: ConcurrencyLimiter,
    private readonly labels: TenantLabels,
    private readonly cache: TenantCache,
    @InjectMetric(M.rateLimited) private readonly rateLimited: Counter<'tenant_id'>,
    @InjectMetric(M.concurrencyLimited) private readonly concurrencyLimited: Counter<'tenant_id'>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ctx = findTenantContext();
    if (!ctx) return true; // public and platform routes
    const tenantId = ctx.tenant.id;
    const limits = await this.limits.of(tenantId);
    const res = context.switchToHttp().getResponse<FastifyReply>();

    // Issued in the same tick as the rate-limit call below: one write to Redis carries both.
    const prefetchKey = this.reflector.get<PrefetchKey | undefined>(PREFETCH_CELL, context.getHandler());
    const cell = prefetchKey?.(context.switchToHttp().getRequest<{ params?: Record<string, string> }>().params ?? {});
    if (cell) this.cache.forTenant(tenantId).prefetch(cell);
    const rate = await this.rate.hit(tenantId, limits.max_api_calls_per_minute);
    const resetSeconds = Math.ceil(rate.resetMs / 1000);
    res.header('RateLimit-Limit', String(rate.limit));
    res.header('RateLimit-Remaining', String(rate.remaining));
    res.header('RateLimit-Reset', String(resetSeconds));
    if (!rate.allowed) {
      this.rateLimited.inc({ tenant_id: this.labels.label(tenantId) });
      throw new DomainError(
        429,
        'rate_limited',
        `Rate limit of ${rate.limit} calls per minute exceeded`,
        { limit: rate.limit },
        { 'Retry-After': String(resetSeconds) },
      );
    }

    const release = this.concurrency.tryAcquire(tenantId, limits.max_concurrent_requests);
    if (!release) {
      this.concurrencyLimited.inc({ tenant_id: this.labels.label(tenantId) });
      throw new DomainError(
        429,
        'too_many_concurrent_requests',
        `More than ${limits.max_concurrent_requests} requests in flight for this tenant`,
        { limit: limits.max_concurrent_requests },
        { 'Retry-After': '1' },
      );
    }
    res.raw.once('close', release);

    const feature = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_FEATURE, [context.getHandler(), context.getClass()]);
    if (feature && !limits.features.includes(feature)) throw featureNotEnabled(feature);
    return true;
  }
}
