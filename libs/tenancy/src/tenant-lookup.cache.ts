import { TenantRecord } from './tenant-record';

export type TenantLookupKey = `id:${string}` | `slug:${string}` | `domain:${string}`;

/**
 * Where tenant lookups are remembered. The default keeps them in process for a few seconds;
 * libs/cache replaces it with a shared, invalidated store. `null` caches "no such tenant".
 */
export interface TenantLookupCache {
  get(key: TenantLookupKey): Promise<TenantRecord | null | undefined>;
  set(key: TenantLookupKey, value: TenantRecord | null): Promise<void>;
  /** Forget everything known about this tenant (status, slug, domain), on every replica. */
  invalidate(tenant: Pick<TenantRecord, 'id' | 'slug' | 'custom_domain'>): Promise<void>;
}

export const TENANT_LOOKUP_CACHE = Symbol('TENANT_LOOKUP_CACHE');

/** Bounded staleness: a suspension made on another replica is seen within TTL_MS. */
export class InProcessTenantLookupCache implements TenantLookupCache {
  static readonly TTL_MS = 2000;
  private readonly entries = new Map<string, { value: TenantRecord | null; until: number }>();

  async get(key: TenantLookupKey): Promise<TenantRecord | null | undefined> {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  async set(key: TenantLookupKey, value: TenantRecord | null): Promise<void> {
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + InProcessTenantLookupCache.TTL_MS });
  }

  async invalidate(tenant: Pick<TenantRecord, 'id' | 'slug' | 'custom_domain'>): Promise<void> {
    this.entries.delete(`id:${tenant.id}`);
    this.entries.delete(`slug:${tenant.slug}`);
    if (tenant.custom_domain) this.entries.delete(`domain:${tenant.custom_domain}`);
  }
}
