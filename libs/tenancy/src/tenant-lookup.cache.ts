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
