import { Injectable } from '@nestjs/common';
import { InvalidationBus, LocalCache } from '@cascade/cache';
import { TransactionRunner } from '@cascade/database';
import { QuotaRepository } from '../ledger/quota.repository';
import { QuotaLimits } from '../plans/quota-limits';

/**
 * A tenant's effective limits for per-request checks (rate, concurrency, features), read from
 * its quota row and kept in process for a few seconds; a quota or plan change drops them on
 * every replica through the invalidation bus.
 */
@Injectable()
export class TenantLimits {
  static readonly TTL_MS = 5000;
  private readonly local = new LocalCache<QuotaLimits>(TenantLimits.TTL_MS);
  // Concurrent misses of one tenant share one query (single flight).
  private readonly inFlight = new Map<string, Promise<QuotaLimits>>();

  constructor(
    private readonly runner: TransactionRunner,
    private readonly quotas: QuotaRepository,
    bus: InvalidationBus,
  ) {
    bus.onTenantChange((change) => (change === 'all' ? this.local.clear() : this.local.dropTenant(change.tenant)));
  }

  async of(tenantId: string): Promise<QuotaLimits> {
    const cached = this.local.get(tenantId);
    if (cached) return cached;
    let pending = this.inFlight.get(tenantId);
    if (!pending) {
      pending = this.load(tenantId).finally(() => this.inFlight.delete(tenantId));
      this.inFlight.set(tenantId, pending);
    }
    return pending;
  }

  private async load(tenantId: string): Promise<QuotaLimits> {
    const row = await this.runner.run({ role: 'cascade_tenant', tenantId }, (em) => this.quotas.findQuota(em, tenantId));
    if (!row) throw new Error('Tenant has no quota row');
    const { overrides: _overrides, ...limits } = row;
    this.local.set(tenantId, tenantId, limits);
    return limits;
  }
}
