import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { InjectMetric, M } from '@cascade/metrics';
import { TenantLookupCache, TenantLookupKey, TenantRecord } from '@cascade/tenancy';
import { InvalidationBus, TenantChange } from './invalidation-bus';
import { LocalCache } from './local-cache';

/**
 * Tenant routing (id / slug / custom domain → tenant and status) kept in process for at most
 * TTL_MS and dropped on every replica when a platform admin changes the tenant (Redis pub/sub).
 * So a suspension is refused everywhere within milliseconds, and within TTL_MS even if the
 * message is lost (Redis down). Unknown slugs are remembered too, and dropped when created.
 */
@Injectable()
export class ReplicatedTenantLookupCache implements TenantLookupCache {
  static readonly TTL_MS = 5000;
  private readonly local = new LocalCache<TenantRecord | null>(ReplicatedTenantLookupCache.TTL_MS);

  constructor(
    private readonly bus: InvalidationBus,
    @InjectMetric(M.cacheRequests) private readonly requests: Counter<'result'>,
  ) {
    bus.onTenantChange((change) => this.onChange(change));
  }

  async get(key: TenantLookupKey): Promise<TenantRecord | null | undefined> {
    const value = this.local.get(key);
    this.requests.inc({ result: value === undefined ? 'miss' : 'hit' });
    return value;
  }

  async set(key: TenantLookupKey, value: TenantRecord | null): Promise<void> {
    this.local.set(key, value?.id ?? '', value);
  }

  async invalidate(tenant: Pick<TenantRecord, 'id' | 'slug' | 'custom_domain'>): Promise<void> {
    await this.bus.tenantChanged(tenant.id, [`slug:${tenant.slug}`, ...(tenant.custom_domain ? [`domain:${tenant.custom_domain}`] : [])]);
  }

  private onChange(change: TenantChange): void {
    if (change === 'all') return this.local.clear();
    this.local.dropTenant(change.tenant);
    for (const k of change.keys) this.local.drop(k);
  }
}
