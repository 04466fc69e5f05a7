import { TenantRecord } from '@cascade/tenancy';

export type TenantView = TenantRecord;

/** What a tenant's own users see of it. */
export function publicTenantView(t: TenantRecord) {
  return { id: t.id, slug: t.slug, name: t.name, plan: t.plan, status: t.status };
}
