/** The quota fields of the contract, as stored in cascade.tenant_quotas. */
export interface QuotaLimits {
  max_users: number;
  max_storage_bytes: number;
  max_api_calls_per_minute: number;
  max_concurrent_requests: number;
  max_workrooms: number;
  custom_domain_allowed: boolean;
  features: string[];
}

export const NUMERIC_LIMITS = [
  'max_users',
  'max_storage_bytes',
  'max_api_calls_per_minute',
  'max_concurrent_requests',
  'max_workrooms',
] as const;

export const QUOTA_FIELDS: (keyof QuotaLimits)[] = [...NUMERIC_LIMITS, 'custom_domain_allowed', 'features'];

/** Plan defaults overlaid with the tenant's own overrides. */
export function effectiveLimits(plan: QuotaLimits, overrides: Partial<QuotaLimits>): QuotaLimits {
  const result: QuotaLimits = { ...plan, features: [...plan.features] };
  for (const key of QUOTA_FIELDS) {
    if (overrides[key] !== undefined) (result as unknown as Record<string, unknown>)[key] = overrides[key];
  }
  return result;
}
