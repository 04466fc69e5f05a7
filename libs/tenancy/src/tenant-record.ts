export type TenantStatus = 'active' | 'suspended';

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  plan: string;
  status: TenantStatus;
  custom_domain: string | null;
  created_at: string;
  updated_at: string;
}

export const TENANT_COLUMNS = 'id, slug, name, plan, status, custom_domain, created_at, updated_at';

/** Subdomains that belong to the platform itself; no tenant may take them as a slug. */
export const RESERVED_SLUGS = ['www', 'api', 'app', 'admin', 'docs', 'metrics', 'health', 'status', 'mail'];
