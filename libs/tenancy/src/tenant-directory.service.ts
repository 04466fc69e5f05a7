import { Inject, Injectable } from '@nestjs/common';
import { TransactionRunner } from '@cascade/database';
import { TENANT_COLUMNS, TenantRecord } from './tenant-record';
import { TENANT_LOOKUP_CACHE, TenantLookupCache, TenantLookupKey } from './tenant-lookup.cache';

/**
 * Finds tenants by id, slug or custom domain, for routing; read under the platform role.
 * Concurrent misses of one key share one query (single flight): when an entry expires under
 * load, one transaction refreshes it instead of one per waiting request.
 */
@Injectable()
export class TenantDirectory {
  private readonly inFlight = new Map<TenantLookupKey, Promise<TenantRecord | null>>();

  constructor(
    private readonly runner: TransactionRunner,
    @Inject(TENANT_LOOKUP_CACHE) private readonly cache: TenantLookupCache,
  ) {}

  findById(id: string): Promise<TenantRecord | null> {
    return this.lookup(`id:${id.toLowerCase()}`, 'id = $1', id.toLowerCase());
  }

  findBySlug(slug: string): Promise<TenantRecord | null> {
    return this.lookup(`slug:${slug.toLowerCase()}`, 'slug = $1', slug.toLowerCase());
  }

  findByDomain(domain: string): Promise<TenantRecord | null> {
    return this.lookup(`domain:${domain.toLowerCase()}`, 'custom_domain = $1', domain.toLowerCase());
  }

  invalidate(tenant: Pick<TenantRecord, 'id' | 'slug' | 'custom_domain'>): Promise<void> {
    return this.cache.invalidate(tenant);
  }

  private async lookup(key: TenantLookupKey, where: string, value: string): Promise<TenantRecord | null> {
    const cached = await this.cache.get(key);
    if (cached !== undefined) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.load(key, where, value).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async load(key: TenantLookupKey, where: string, value: string): Promise<TenantRecord | null> {
    const rows = await this.runner.run({ role: 'cascade_platform' }, (em) =>
      em.query(`SELECT ${TENANT_COLUMNS} FROM cascade.tenants WHERE ${where}`, [value]),
    );
    const found: TenantRecord | null = rows[0] ?? null;
    await this.cache.set(key, found);
    return found;
  }
}
